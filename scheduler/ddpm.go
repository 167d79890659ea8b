package scheduler

import (
	"fmt"
	"math"
)

// DDPM is ancestral sampling of Ho et al. (2020) on a subsequence of the
// training timesteps, diffusers' DDPMScheduler with variance_type
// "fixed_small" and no clipping: for t -> t' (the next timestep, -1 at the
// end) with a_t = ab_t/ab_t', b_t = 1 - a_t,
//
//	x_t' = sqrt(ab_t') b_t/(1-ab_t) x0 + sqrt(a_t)(1-ab_t')/(1-ab_t) x_t
//	       + sqrt(max((1-ab_t')/(1-ab_t) b_t, 1e-20)) z     (z only for t > 0)
type DDPM[T any] struct {
	DDIM[T]
}

// NewDDPM builds the sampler with n steps (Eta and AlphaToOne are ignored).
func NewDDPM[T any](ops Ops[T], c DDIMConfig, n int) (*DDPM[T], error) {
	c.AlphaToOne = true
	d, err := NewDDIM(ops, c, n)
	if err != nil {
		return nil, err
	}
	return &DDPM[T]{DDIM: *d}, nil
}

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *DDPM[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	out, x0, z := ops.New(x), ops.New(x), ops.New(x)
	rng := NewRNG(s.c.Seed, 1)
	for i, t := range s.timesteps {
		ti := int(t)
		prev := -1
		if i+1 < len(s.timesteps) {
			prev = int(s.timesteps[i+1])
		}
		abT := s.ac[ti]
		abP := 1.0
		if prev >= 0 {
			abP = s.ac[prev]
		}
		a, b := math.Sqrt(abT), math.Sqrt(1-abT)
		if err := model(out, x, Cond{Step: i, Timestep: t, Alpha: a, Sigma: b}); err != nil {
			return fmt.Errorf("model step %d (t=%g): %w", i, t, err)
		}
		denoise(ops, x0, s.pred, out, x, a, b)
		curA := abT / abP
		curB := 1 - curA
		ops.AXPBY(x, math.Sqrt(abP)*curB/(1-abT), x0, math.Sqrt(curA)*(1-abP)/(1-abT), x)
		if ti > 0 {
			v := math.Max((1-abP)/(1-abT)*curB, 1e-20)
			ops.Normal(z, rng)
			ops.AXPBY(x, 1, x, math.Sqrt(v), z)
		}
	}
	return nil
}
