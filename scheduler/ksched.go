package scheduler

import (
	"fmt"
	"math"
)

// SigmaKind selects how a diffusion solver derives its inference sigmas
// from the training schedule.
type SigmaKind string

// Sigma schedules.
const (
	// SigmasDefault interpolates the training sigmas at the spaced
	// timesteps (diffusers' default, "normal").
	SigmasDefault SigmaKind = ""
	// SigmasKarras uses KarrasSigmas with rho = 7 between the extreme
	// training sigmas.
	SigmasKarras SigmaKind = "karras"
	// SigmasExponential uses ExponentialSigmas.
	SigmasExponential SigmaKind = "exponential"
	// SigmasBeta uses BetaSigmas with alpha = beta = 0.6.
	SigmasBeta SigmaKind = "beta"
)

// KConfig configures the schedule of the sigma-space ("k-diffusion")
// solvers: Euler, Heun, Euler ancestral.
type KConfig struct {
	VP          VPConfig
	Spacing     Spacing // default Linspace
	StepsOffset int
	Sigmas      SigmaKind
	// CustomSigmas, when set, is the full descending sigma list including
	// the final level (len = steps+1); timesteps are derived from it.
	CustomSigmas []float64
	Prediction   Prediction // default Epsilon
	// FinalSigmaMin ends at the smallest training sigma instead of 0.
	FinalSigmaMin bool
	// Float32Sample emulates the float32 arithmetic of diffusers'
	// EulerDiscreteScheduler.step: the sample is rounded to float32 (see
	// Float32Rounder) and the step size sigma_{i+1} - sigma_i is a float32
	// difference. With a cosine schedule (sigma_max ~ 1e4) this changes
	// the final sample by ~2e-6 relative; elsewhere by < 1e-7.
	Float32Sample bool
}

// KSchedule returns the n descending timesteps and n+1 sigmas (float32
// values) of diffusers' EulerDiscreteScheduler.set_timesteps for c.
func KSchedule(c KConfig, n int) (timesteps, sigmas []float64, err error) {
	if c.CustomSigmas == nil {
		if err := checkSteps(n); err != nil {
			return nil, nil, err
		}
	} else if len(c.CustomSigmas) < 2 {
		return nil, nil, fmt.Errorf("scheduler: custom sigmas need at least 2 levels, got %d", len(c.CustomSigmas))
	}
	vp, err := NewVP(c.VP)
	if err != nil {
		return nil, nil, err
	}
	train := vp.Sigmas()
	logS := LogSigmas(train)
	if c.CustomSigmas != nil {
		sigmas = make([]float64, len(c.CustomSigmas))
		for i, s := range c.CustomSigmas {
			sigmas[i] = f32(s)
		}
		timesteps = make([]float64, len(sigmas)-1)
		for i := range timesteps {
			timesteps[i] = f32(sigmaToT32(sigmas[i], logS))
		}
		return timesteps, sigmas, nil
	}
	N := len(train)
	timesteps, err = SigmaTimesteps(c.Spacing, N, n, c.StepsOffset)
	if err != nil {
		return nil, nil, err
	}
	sig := make([]float64, len(timesteps))
	for i, t := range timesteps {
		sig[i] = interp(t, train)
	}
	if c.Sigmas != SigmasDefault {
		smin, smax := sig[len(sig)-1], sig[0]
		switch c.Sigmas {
		case SigmasKarras:
			sig = KarrasSigmas(n, smin, smax, 7)
		case SigmasExponential:
			sig = ExponentialSigmas(n, smin, smax)
		case SigmasBeta:
			sig = BetaSigmas(n, smin, smax, 0.6, 0.6)
		default:
			return nil, nil, fmt.Errorf("scheduler: unknown sigma schedule %q", c.Sigmas)
		}
		timesteps = make([]float64, n)
		for i, s := range sig {
			timesteps[i] = f32(SigmaToT(s, logS))
		}
	}
	last := 0.0
	if c.FinalSigmaMin {
		last = train[0]
	}
	sigmas = make([]float64, 0, len(sig)+1)
	for _, s := range sig {
		sigmas = append(sigmas, f32(s))
	}
	sigmas = append(sigmas, last)
	return timesteps, sigmas, nil
}

// kScale returns the float32 input scale 1/sqrt(sigma^2+1) diffusers applies
// in scale_model_input, and the float64 (a, b) of the scaled input.
func kScale(sigma float64) (scale, a, b float64) {
	s := float32(sigma)
	den := float32(math.Sqrt(float64(s*s + 1)))
	a, b = VPFromSigma(sigma)
	return 1 / float64(den), a, b
}

// kInitNoiseSigma is diffusers' init_noise_sigma of the sigma-space
// schedulers: max sigma for linspace/trailing, sqrt(max^2+1) for leading.
func kInitNoiseSigma(sp Spacing, sigmas []float64) float64 {
	m := 0.0
	for _, s := range sigmas {
		m = math.Max(m, s)
	}
	if sp == Leading {
		mf := float32(m)
		return float64(float32(math.Sqrt(float64(mf*mf + 1))))
	}
	return m
}
