package scheduler

import (
	"fmt"
	"math"
)

// TCDConfig configures TCD.
type TCDConfig struct {
	LCMConfig
	// Gamma is the stochasticity eta of strategic stochastic sampling
	// (diffusers' step(eta=...), default 0.3 there); 0 is deterministic.
	Gamma float64
}

// TCD is trajectory consistency distillation sampling (Zheng et al. 2024),
// diffusers' TCDScheduler on the LCM timestep grid: from t with next
// timestep t' and s = floor((1-gamma) t'),
//
//	x_s = sqrt(ab_s) x0 + sqrt(1-ab_s) eps                  (pred_noised)
//	x_t' = sqrt(ab_t'/ab_s) x_s + sqrt(1 - ab_t'/ab_s) z      (not on the last step)
//
// with t' = 0 after the last step.
type TCD[T any] struct {
	LCM[T]
	gamma float64
}

// NewTCD builds the sampler with n steps.
func NewTCD[T any](ops Ops[T], c TCDConfig, n int) (*TCD[T], error) {
	if c.Gamma < 0 || c.Gamma > 1 {
		return nil, fmt.Errorf("scheduler: TCD gamma %g not in [0, 1]", c.Gamma)
	}
	l, err := NewLCM(ops, c.LCMConfig, n)
	if err != nil {
		return nil, err
	}
	return &TCD[T]{LCM: *l, gamma: c.Gamma}, nil
}

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *TCD[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	out, x0, eps, z := ops.New(x), ops.New(x), ops.New(x), ops.New(x)
	rng := NewRNG(s.c.Seed, 1)
	n := len(s.timesteps)
	for i, t := range s.timesteps {
		abT := s.ac[int(t)]
		a, b := math.Sqrt(abT), math.Sqrt(1-abT)
		if err := model(out, x, Cond{Step: i, Timestep: t, Alpha: a, Sigma: b}); err != nil {
			return fmt.Errorf("model step %d (t=%g): %w", i, t, err)
		}
		noiseOf(ops, eps, x0, s.pred, out, x, a, b)
		prev := 0.0
		if i+1 < n {
			prev = s.timesteps[i+1]
		}
		// diffusers: floor((1 - eta) * prev) in float32 torch arithmetic.
		ts := int(math.Floor(float64(float32(1-s.gamma) * float32(prev))))
		abS, abP := s.ac[ts], s.ac[int(prev)]
		ops.AXPBY(x, math.Sqrt(abS), x0, math.Sqrt(1-abS), eps)
		if s.gamma > 0 && i != n-1 {
			ops.Normal(z, rng)
			ops.AXPBY(x, math.Sqrt(abP/abS), x, math.Sqrt(1-abP/abS), z)
		}
	}
	return nil
}
