package scheduler

import "math"

// ShiftSigma applies the static flow-matching shift (SD3): s' = shift*s /
// (1 + (shift-1)*s). shift > 1 spends more steps at high noise.
func ShiftSigma(s, shift float64) float64 {
	return shift * s / (1 + (shift-1)*s)
}

// CalculateShift returns the resolution-dependent shift exponent mu of Flux
// (diffusers' calculate_shift): a line through (baseSeqLen, baseShift) and
// (maxSeqLen, maxShift) evaluated at seqLen, the number of latent tokens.
// diffusers' defaults are 256, 4096, 0.5, 1.15.
func CalculateShift(seqLen, baseSeqLen, maxSeqLen int, baseShift, maxShift float64) float64 {
	m := (maxShift - baseShift) / float64(maxSeqLen-baseSeqLen)
	b := baseShift - m*float64(baseSeqLen)
	return float64(seqLen)*m + b
}

// TimeShiftExponential is the dynamic shift of Flux: e^mu / (e^mu +
// (1/t - 1)^sigma). With sigma = 1 it equals ShiftSigma(t, e^mu).
func TimeShiftExponential(mu, sigma, t float64) float64 {
	p := 1/t - 1
	if sigma != 1 {
		p = math.Pow(p, sigma)
	}
	return math.Exp(mu) / (math.Exp(mu) + p)
}

// TimeShiftLinear is mu / (mu + (1/t - 1)^sigma).
func TimeShiftLinear(mu, sigma, t float64) float64 {
	p := 1/t - 1
	if sigma != 1 {
		p = math.Pow(p, sigma)
	}
	return mu / (mu + p)
}

// FlowConfig configures a flow-matching schedule like diffusers'
// FlowMatchEulerDiscreteScheduler.
type FlowConfig struct {
	NumTrainTimesteps int     // default 1000
	Shift             float64 // static shift, default 1 (ignored with Mu)
	// Dynamic selects the exponential time shift with exponent Mu (see
	// CalculateShift) instead of the static shift.
	Dynamic bool
	Mu      float64
}

// FlowSchedule returns the n inference sigmas (followed by a final 0) and
// timesteps (sigma*N) of a flow-matching model, with diffusers' roundings:
// the training grid is linspace(1, N, N)/N shifted in float32; inference
// timesteps are linspace(sigma_max*N, sigma_min*N, n) in float64, divided by
// N, shifted in float64 and rounded to float32; timesteps are sigma*N in
// float32.
func FlowSchedule(c FlowConfig, n int) (sigmas, timesteps []float64) {
	N := c.NumTrainTimesteps
	if N == 0 {
		N = 1000
	}
	shift := c.Shift
	if shift == 0 {
		shift = 1
	}
	// Training grid extremes (torch float32).
	trainShift := func(s float32) float32 {
		if c.Dynamic {
			return s
		}
		sh := float32(shift)
		return sh * s / (1 + float32(shift-1)*s)
	}
	smax := float64(trainShift(float32(N) / float32(N)))
	smin := float64(trainShift(float32(1) / float32(N)))
	ts := linspace(smax*float64(N), smin*float64(N), n)
	sigmas = make([]float64, n+1)
	timesteps = make([]float64, n)
	for i, t := range ts {
		s := t / float64(N)
		if c.Dynamic {
			s = TimeShiftExponential(c.Mu, 1, s)
		} else {
			s = ShiftSigma(s, shift)
		}
		sigmas[i] = f32(s)
		timesteps[i] = float64(float32(sigmas[i]) * float32(N))
	}
	return sigmas, timesteps
}
