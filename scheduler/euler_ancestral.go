package scheduler

import "math"

// EulerAncestral is diffusers' EulerAncestralDiscreteScheduler: an Euler
// step down to sigma_down followed by fresh noise of size sigma_up, with
// sigma_up = sqrt(s'^2 (s^2 - s'^2)/s^2) and sigma_down = sqrt(s'^2 -
// sigma_up^2) for s -> s'. Noise comes from RNG stream 1 of Seed, one
// latent per step (also on the last step, as diffusers draws it).
type EulerAncestral[T any] struct {
	Euler[T]
	seed uint64
}

// NewEulerAncestral builds the solver with n steps and noise seed seed.
func NewEulerAncestral[T any](ops Ops[T], c KConfig, n int, seed uint64) (*EulerAncestral[T], error) {
	e, err := NewEuler(ops, c, n)
	if err != nil {
		return nil, err
	}
	return &EulerAncestral[T]{Euler: *e, seed: seed}, nil
}

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *EulerAncestral[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	rng := NewRNG(s.seed, 1)
	ops.Scale(x, s.InitNoiseSigma(), x)
	x0, out, xIn, z := ops.New(x), ops.New(x), ops.New(x), ops.New(x)
	for i, t := range s.timesteps {
		sigma, next := s.sigmas[i], s.sigmas[i+1]
		scale, a, b := kScale(sigma)
		if err := evalX0(ops, model, s.pred, x0, out, xIn, x, scale, Cond{Step: i, Timestep: t, Alpha: a, Sigma: b}); err != nil {
			return err
		}
		up := math.Sqrt(next * next * (sigma*sigma - next*next) / (sigma * sigma))
		down := math.Sqrt(next*next - up*up)
		r := (down - sigma) / sigma
		ops.AXPBY(x, 1+r, x, -r, x0)
		ops.Normal(z, rng)
		ops.AXPBY(x, 1, x, up, z)
	}
	return nil
}
