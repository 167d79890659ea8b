package scheduler

// LMS is the linear multistep method of Karras et al. (2022, k-diffusion
// "lms"), diffusers' LMSDiscreteScheduler: in VE sigma space with the
// slopes d_j = (x_j - D(x_j))/sigma_j, step i of order p = min(i+1, Order)
// is
//
//	x_{i+1} = x_i + sum_{j<p} c_j d_{i-j},
//	c_j = ∫_{sigma_i}^{sigma_{i+1}} prod_{k≠j, k<p} (tau - sigma_{i-k})/(sigma_{i-j} - sigma_{i-k}) dtau
//
// The coefficients integrate a polynomial of degree < 4, which 4-point
// Gauss-Legendre does exactly (diffusers calls scipy's quad).
type LMS[T any] struct {
	Euler[T]
	order int
}

// NewLMS builds the solver with n steps and the given order (default 4).
func NewLMS[T any](ops Ops[T], c KConfig, n, order int) (*LMS[T], error) {
	if order == 0 {
		order = 4
	}
	c.Float32Sample = false
	e, err := NewEuler(ops, c, n)
	if err != nil {
		return nil, err
	}
	return &LMS[T]{Euler: *e, order: order}, nil
}

var gaussLegendre4 = [4][2]float64{ // node, weight on [-1, 1]
	{-0.8611363115940526, 0.3478548451374538},
	{-0.3399810435848563, 0.6521451548625461},
	{0.3399810435848563, 0.6521451548625461},
	{0.8611363115940526, 0.3478548451374538},
}

// lmsCoefficient integrates the Lagrange basis polynomial j of the nodes
// sigma_i, sigma_{i-1}, ..., sigma_{i-p+1} over [sigma_i, sigma_{i+1}].
func (s *LMS[T]) lmsCoefficient(p, i, j int) float64 {
	a, b := s.sigmas[i], s.sigmas[i+1]
	half, mid := (b-a)/2, (a+b)/2
	sum := 0.0
	for _, nw := range gaussLegendre4 {
		tau := mid + half*nw[0]
		prod := 1.0
		for k := 0; k < p; k++ {
			if k == j {
				continue
			}
			prod *= (tau - s.sigmas[i-k]) / (s.sigmas[i-j] - s.sigmas[i-k])
		}
		sum += nw[1] * prod
	}
	return sum * half
}

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *LMS[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	ops.Scale(x, s.InitNoiseSigma(), x)
	x0, out, xIn := ops.New(x), ops.New(x), ops.New(x)
	var ds []T // slopes, newest first
	for i, t := range s.timesteps {
		sigma := s.sigmas[i]
		scale, a, b := kScale(sigma)
		if err := evalX0(ops, model, s.pred, x0, out, xIn, x, scale, Cond{Step: i, Timestep: t, Alpha: a, Sigma: b}); err != nil {
			return err
		}
		var d T
		if len(ds) == s.order {
			d = ds[len(ds)-1]
			ds = ds[:len(ds)-1]
		} else {
			d = ops.New(x)
		}
		ops.AXPBY(d, 1/sigma, x, -1/sigma, x0)
		ds = append([]T{d}, ds...)
		p := min(i+1, s.order)
		coef := []float64{1}
		xs := []T{x}
		for j := 0; j < p; j++ {
			coef = append(coef, s.lmsCoefficient(p, i, j))
			xs = append(xs, ds[j])
		}
		ops.LinComb(x, coef, xs)
	}
	return nil
}
