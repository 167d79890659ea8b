package scheduler

import (
	"fmt"
	"math"
)

// DDIMConfig configures DDIM and DDPM.
type DDIMConfig struct {
	VP          VPConfig
	Spacing     Spacing // default Leading, as diffusers
	StepsOffset int
	Prediction  Prediction // default Epsilon
	// AlphaToOne sets the alphabar beyond the last step to 1 (diffusers'
	// set_alpha_to_one); otherwise alphas_cumprod[0] is used.
	AlphaToOne bool
	// Eta scales the DDIM noise (0: deterministic DDIM). Ignored by DDPM.
	Eta  float64
	Seed uint64 // noise seed (RNG stream 1) when Eta > 0, and for DDPM
}

// DDIM is the denoising diffusion implicit model sampler (Song et al. 2021),
// diffusers' DDIMScheduler without clipping or thresholding: with x0, eps
// the estimates at t and t' = t - N/n,
//
//	x_t' = sqrt(ab_t') x0 + sqrt(1 - ab_t' - std^2) eps + std*z,
//	std = eta*sqrt((1-ab_t')/(1-ab_t) * (1 - ab_t/ab_t'))
type DDIM[T any] struct {
	ops       Ops[T]
	c         DDIMConfig
	pred      Prediction
	ac        []float64
	final     float64
	numTrain  int
	timesteps []float64
}

// NewDDIM builds the solver with n steps.
func NewDDIM[T any](ops Ops[T], c DDIMConfig, n int) (*DDIM[T], error) {
	if err := checkSteps(n); err != nil {
		return nil, err
	}
	vp, err := NewVP(c.VP)
	if err != nil {
		return nil, err
	}
	N := len(vp.AlphasCumprod)
	if n > N {
		return nil, fmt.Errorf("scheduler: %d DDIM steps exceed %d training steps", n, N)
	}
	ts, err := IntTimesteps(c.Spacing, N, n, c.StepsOffset)
	if err != nil {
		return nil, err
	}
	final := vp.AlphasCumprod[0]
	if c.AlphaToOne {
		final = 1
	}
	return &DDIM[T]{ops: ops, c: c, pred: predOr(c.Prediction, Epsilon), ac: vp.AlphasCumprod, final: final, numTrain: N, timesteps: ts}, nil
}

// Timesteps returns the integer model timesteps.
func (s *DDIM[T]) Timesteps() []float64 { return s.timesteps }

// Sigmas returns nil: DDIM works on alphas_cumprod directly.
func (s *DDIM[T]) Sigmas() []float64 { return nil }

// InitNoiseSigma is 1.
func (s *DDIM[T]) InitNoiseSigma() float64 { return 1 }

func (s *DDIM[T]) alphaAt(t int) float64 {
	if t < 0 {
		return s.final
	}
	return s.ac[t]
}

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *DDIM[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	out, x0, eps, z := ops.New(x), ops.New(x), ops.New(x), ops.New(x)
	rng := NewRNG(s.c.Seed, 1)
	stride := s.numTrain / len(s.timesteps)
	for i, t := range s.timesteps {
		ti := int(t)
		abT := s.ac[ti]
		abP := s.alphaAt(ti - stride)
		a, b := math.Sqrt(abT), math.Sqrt(1-abT)
		if err := model(out, x, Cond{Step: i, Timestep: t, Alpha: a, Sigma: b}); err != nil {
			return fmt.Errorf("model step %d (t=%g): %w", i, t, err)
		}
		noiseOf(ops, eps, x0, s.pred, out, x, a, b)
		variance := (1 - abP) / (1 - abT) * (1 - abT/abP)
		std := s.c.Eta * math.Sqrt(variance)
		ops.AXPBY(x, math.Sqrt(abP), x0, math.Sqrt(1-abP-std*std), eps)
		if s.c.Eta > 0 {
			ops.Normal(z, rng)
			ops.AXPBY(x, 1, x, std, z)
		}
	}
	return nil
}
