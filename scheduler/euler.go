package scheduler

// Euler is the first-order probability-flow ODE solver in VE sigma space,
// diffusers' EulerDiscreteScheduler (s_churn = 0): with the x0 estimate
// D(x, sigma),
//
//	x_{i+1} = x_i + (sigma_{i+1} - sigma_i) * (x_i - D(x_i, sigma_i)) / sigma_i
//
// The model sees x_in = x / sqrt(sigma^2+1).
type Euler[T any] struct {
	ops       Ops[T]
	pred      Prediction
	spacing   Spacing
	f32       bool
	timesteps []float64
	sigmas    []float64
}

// NewEuler builds an Euler solver with n steps.
func NewEuler[T any](ops Ops[T], c KConfig, n int) (*Euler[T], error) {
	ts, sig, err := KSchedule(c, n)
	if err != nil {
		return nil, err
	}
	return &Euler[T]{ops: ops, pred: predOr(c.Prediction, Epsilon), spacing: c.Spacing, f32: c.Float32Sample, timesteps: ts, sigmas: sig}, nil
}

func predOr(p, def Prediction) Prediction {
	if p == "" {
		return def
	}
	return p
}

// Timesteps returns the model timesteps.
func (s *Euler[T]) Timesteps() []float64 { return s.timesteps }

// Sigmas returns the VE sigmas including the final 0.
func (s *Euler[T]) Sigmas() []float64 { return s.sigmas }

// InitNoiseSigma returns the scale of the initial noise.
func (s *Euler[T]) InitNoiseSigma() float64 { return kInitNoiseSigma(s.spacing, s.sigmas) }

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *Euler[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	ops.Scale(x, s.InitNoiseSigma(), x)
	x0, out, xIn := ops.New(x), ops.New(x), ops.New(x)
	for i, t := range s.timesteps {
		sigma, next := s.sigmas[i], s.sigmas[i+1]
		scale, a, b := kScale(sigma)
		if err := evalX0(ops, model, s.pred, x0, out, xIn, x, scale, Cond{Step: i, Timestep: t, Alpha: a, Sigma: b}); err != nil {
			return err
		}
		roundF32(ops, s.f32, x)
		dt := next - sigma
		if s.f32 {
			dt = f32(dt) // diffusers subtracts the float32 sigmas in float32
		}
		r := dt / sigma
		ops.AXPBY(x, 1+r, x, -r, x0)
	}
	return nil
}
