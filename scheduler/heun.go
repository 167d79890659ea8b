package scheduler

// Heun is the second-order (trapezoidal) probability-flow ODE solver of
// Karras et al. (2022), diffusers' HeunDiscreteScheduler: per interval one
// Euler predictor to sigma_{i+1} and a corrector averaging the two slopes;
// the last interval (to sigma = 0) is a plain Euler step, so n steps cost
// 2n-1 model evaluations.
type Heun[T any] struct {
	ops       Ops[T]
	pred      Prediction
	spacing   Spacing
	timesteps []float64 // per interval
	sigmas    []float64
}

// NewHeun builds a Heun solver with n intervals.
func NewHeun[T any](ops Ops[T], c KConfig, n int) (*Heun[T], error) {
	ts, sig, err := KSchedule(c, n)
	if err != nil {
		return nil, err
	}
	return &Heun[T]{ops: ops, pred: predOr(c.Prediction, Epsilon), spacing: c.Spacing, timesteps: ts, sigmas: sig}, nil
}

// Timesteps returns the timesteps of the 2n-1 model evaluations
// (diffusers' repeat_interleave layout).
func (s *Heun[T]) Timesteps() []float64 {
	out := []float64{s.timesteps[0]}
	for _, t := range s.timesteps[1:] {
		out = append(out, t, t)
	}
	return out
}

// Sigmas returns diffusers' sigma layout: sigma_0, then each inner sigma
// twice, then 0.
func (s *Heun[T]) Sigmas() []float64 {
	n := len(s.sigmas)
	out := []float64{s.sigmas[0]}
	for _, v := range s.sigmas[1 : n-1] {
		out = append(out, v, v)
	}
	return append(out, s.sigmas[n-1])
}

// InitNoiseSigma returns the scale of the initial noise.
func (s *Heun[T]) InitNoiseSigma() float64 { return kInitNoiseSigma(s.spacing, s.sigmas) }

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *Heun[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	ops.Scale(x, s.InitNoiseSigma(), x)
	x0, out, xIn, d1, xs := ops.New(x), ops.New(x), ops.New(x), ops.New(x), ops.New(x)
	ts := s.Timesteps()
	step := 0
	for i := 0; i+1 < len(s.sigmas); i++ {
		sigma, next := s.sigmas[i], s.sigmas[i+1]
		scale, a, b := kScale(sigma)
		if err := evalX0(ops, model, s.pred, x0, out, xIn, x, scale, Cond{Step: step, Timestep: ts[step], Alpha: a, Sigma: b}); err != nil {
			return err
		}
		step++
		// d1 = (x - x0)/sigma
		ops.AXPBY(d1, 1/sigma, x, -1/sigma, x0)
		dt := next - sigma
		if next == 0 {
			ops.AXPBY(x, 1, x, dt, d1)
			continue
		}
		ops.Copy(xs, x)
		ops.AXPBY(x, 1, x, dt, d1)
		scale, a, b = kScale(next)
		if err := evalX0(ops, model, s.pred, x0, out, xIn, x, scale, Cond{Step: step, Timestep: ts[step], Alpha: a, Sigma: b}); err != nil {
			return err
		}
		step++
		// d2 = (x - x0)/next; x = xs + dt*(d1+d2)/2
		ops.AXPBY(x, 1/next, x, -1/next, x0)
		ops.AXPBY(d1, 0.5, d1, 0.5, x)
		ops.AXPBY(x, 1, xs, dt, d1)
	}
	return nil
}
