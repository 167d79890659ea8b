package scheduler

import "math"

// MConfig configures the schedule of the multistep VP solvers (DPM-Solver
// multistep, UniPC), which run in VP space x = alpha*x0 + sigma*eps with
// alpha = 1/sqrt(1+s^2), sigma = s*alpha for the VE level s.
type MConfig struct {
	VP          VPConfig
	Spacing     Spacing // default Linspace
	StepsOffset int
	Sigmas      SigmaKind
	Prediction  Prediction // default Epsilon
	// FinalSigmaMin ends at the smallest training sigma instead of 0.
	FinalSigmaMin bool
}

// mSchedule returns the n integer timesteps and n+1 float32 VE sigmas of
// diffusers' DPMSolverMultistepScheduler / UniPCMultistepScheduler. Derived
// timesteps of the Karras schedule are rounded (roundKarras) or truncated;
// exponential ones are truncated, as diffusers casts them to int64.
func mSchedule(c MConfig, n int, roundKarras, lastFromSchedule bool) (timesteps, sigmas []float64, err error) {
	vp, err := NewVP(c.VP)
	if err != nil {
		return nil, nil, err
	}
	train := vp.Sigmas()
	N := len(train)
	timesteps, err = MultistepTimesteps(c.Spacing, N, N, n, c.StepsOffset)
	if err != nil {
		return nil, nil, err
	}
	var sig []float64
	if c.Sigmas == SigmasDefault {
		sig = make([]float64, len(timesteps))
		for i, t := range timesteps {
			sig[i] = interp(t, train)
		}
	} else {
		logS := LogSigmas(train)
		smin, smax := train[0], train[N-1]
		round := false
		switch c.Sigmas {
		case SigmasKarras:
			sig = KarrasSigmas(n, smin, smax, 7)
			round = roundKarras
		case SigmasExponential:
			sig = ExponentialSigmas(n, smin, smax)
		case SigmasBeta:
			sig = BetaSigmas(n, smin, smax, 0.6, 0.6)
		}
		timesteps = make([]float64, len(sig))
		for i, s := range sig {
			t := SigmaToT(s, logS)
			if round {
				t = math.RoundToEven(t)
			}
			timesteps[i] = math.Trunc(t)
		}
	}
	last := 0.0
	if c.FinalSigmaMin {
		last = train[0]
		if lastFromSchedule && c.Sigmas != SigmasDefault {
			last = sig[len(sig)-1]
		}
	}
	sigmas = make([]float64, 0, len(sig)+1)
	for _, s := range sig {
		sigmas = append(sigmas, f32(s))
	}
	sigmas = append(sigmas, f32(last))
	return timesteps, sigmas, nil
}

// lambdaOf returns alpha, sigma and lambda = log(alpha) - log(sigma) of the
// VP point at VE level s (lambda = +Inf at s = 0).
func lambdaOf(s float64) (alpha, sigma, lambda float64) {
	alpha, sigma = VPFromSigma(s)
	return alpha, sigma, math.Log(alpha) - math.Log(sigma)
}
