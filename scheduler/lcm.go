package scheduler

import (
	"fmt"
	"math"
)

// LCMConfig configures LCM.
type LCMConfig struct {
	VP                     VPConfig
	OriginalInferenceSteps int     // distillation grid size, default 50
	TimestepScaling        float64 // default 10
	Prediction             Prediction
	AlphaToOne             bool // diffusers' set_alpha_to_one (default true there)
	Seed                   uint64
}

// LCM is the multistep latent-consistency sampler (Luo et al. 2023),
// diffusers' LCMScheduler: at each step the consistency function
// f(x, t) = c_skip x + c_out x0(x, t), c_skip = 0.25/((10t)^2 + 0.25),
// c_out = 10t/sqrt((10t)^2 + 0.25), is re-noised to the next timestep with
// fresh noise (none after the last step).
type LCM[T any] struct {
	ops       Ops[T]
	c         LCMConfig
	pred      Prediction
	ac        []float64
	timesteps []float64
}

// NewLCM builds the sampler with n steps on the distillation grid
// k*(N/orig) - 1, k = 1..orig, taken at floor(linspace(0, orig, n, no end)).
func NewLCM[T any](ops Ops[T], c LCMConfig, n int) (*LCM[T], error) {
	if c.OriginalInferenceSteps == 0 {
		c.OriginalInferenceSteps = 50
	}
	if c.TimestepScaling == 0 {
		c.TimestepScaling = 10
	}
	if err := checkSteps(n); err != nil {
		return nil, err
	}
	vp, err := NewVP(c.VP)
	if err != nil {
		return nil, err
	}
	N := len(vp.AlphasCumprod)
	orig := c.OriginalInferenceSteps
	if n > orig {
		return nil, fmt.Errorf("scheduler: %d LCM steps exceed the %d-step distillation grid", n, orig)
	}
	k := N / orig
	grid := make([]float64, orig) // descending
	for j := range grid {
		grid[j] = float64((orig-j)*k - 1)
	}
	idx := linspaceNoEnd(0, float64(orig), n)
	ts := make([]float64, n)
	for i, v := range idx {
		ts[i] = grid[int(math.Floor(v))]
	}
	return &LCM[T]{ops: ops, c: c, pred: predOr(c.Prediction, Epsilon), ac: vp.AlphasCumprod, timesteps: ts}, nil
}

// Timesteps returns the integer model timesteps.
func (s *LCM[T]) Timesteps() []float64 { return s.timesteps }

// Sigmas returns nil.
func (s *LCM[T]) Sigmas() []float64 { return nil }

// InitNoiseSigma is 1.
func (s *LCM[T]) InitNoiseSigma() float64 { return 1 }

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *LCM[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	out, x0, z := ops.New(x), ops.New(x), ops.New(x)
	rng := NewRNG(s.c.Seed, 1)
	n := len(s.timesteps)
	for i, t := range s.timesteps {
		abT := s.ac[int(t)]
		a, b := math.Sqrt(abT), math.Sqrt(1-abT)
		if err := model(out, x, Cond{Step: i, Timestep: t, Alpha: a, Sigma: b}); err != nil {
			return fmt.Errorf("model step %d (t=%g): %w", i, t, err)
		}
		denoise(ops, x0, s.pred, out, x, a, b)
		st := t * s.c.TimestepScaling
		cSkip := 0.25 / (st*st + 0.25)
		cOut := st / math.Sqrt(st*st+0.25)
		// denoised = c_out*x0 + c_skip*x
		ops.AXPBY(x, cOut, x0, cSkip, x)
		if i != n-1 {
			abP := s.ac[int(s.timesteps[i+1])]
			ops.Normal(z, rng)
			ops.AXPBY(x, math.Sqrt(abP), x, math.Sqrt(1-abP), z)
		}
	}
	return nil
}
