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
	// Flow selects flow-matching sigmas (diffusers' use_flow_sigmas): the
	// solver runs on x = (1-s) x0 + s eps, the model sees (a, b) =
	// (1-s, s) and normally predicts Velocity. The grid is shifted by
	// FlowShift, or (UniPC only) by the exponential time shift with Mu when
	// Dynamic is set.
	Flow      bool
	FlowShift float64
	Dynamic   bool
	Mu        float64
}

// mSchedule returns the n integer timesteps and n+1 float32 VE sigmas of
// diffusers' DPMSolverMultistepScheduler / UniPCMultistepScheduler. Derived
// timesteps of the Karras schedule are rounded (roundKarras) or truncated;
// exponential ones are truncated, as diffusers casts them to int64.
func mSchedule(c MConfig, n int, roundKarras, lastFromSchedule bool) (timesteps, sigmas []float64, err error) {
	if err := checkSteps(n); err != nil {
		return nil, nil, err
	}
	vp, err := NewVP(c.VP)
	if err != nil {
		return nil, nil, err
	}
	train := vp.Sigmas()
	if c.Flow {
		return flowMSchedule(c, n, train, lastFromSchedule)
	}
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

// flowMSchedule builds the flow-sigma grid of the multistep solvers.
// DPM-Solver (lastFromSchedule false): flip(shift(1 - linspace(1, 1/N,
// n+1)))[:-1]; UniPC: shift(linspace(1, 1/N, n+1)[:-1]) with a first sigma
// of 1 lowered by 1e-6. Timesteps are sigma*N truncated to integers.
func flowMSchedule(c MConfig, n int, train []float64, unipc bool) (timesteps, sigmas []float64, err error) {
	N := len(train)
	shift := c.FlowShift
	if shift == 0 {
		shift = 1
	}
	g := linspace(1, 1/float64(N), n+1)
	sig := make([]float64, n)
	if unipc {
		for i := range sig {
			if c.Dynamic {
				sig[i] = TimeShiftExponential(c.Mu, 1, g[i])
			} else {
				sig[i] = ShiftSigma(g[i], shift)
			}
		}
		if math.Abs(sig[0]-1) < 1e-6 {
			sig[0] -= 1e-6
		}
	} else {
		if c.Dynamic {
			shift = math.Exp(c.Mu)
		}
		for i := range sig {
			sig[i] = ShiftSigma(1-g[n-i], shift)
		}
	}
	timesteps = make([]float64, n)
	sigmas = make([]float64, n+1)
	for i, s := range sig {
		timesteps[i] = math.Trunc(s * float64(N))
		sigmas[i] = f32(s)
	}
	if c.FinalSigmaMin {
		if unipc {
			sigmas[n] = f32(sig[n-1])
		} else {
			sigmas[n] = train[0]
		}
	}
	return timesteps, sigmas, nil
}

// lambdaOf returns alpha, sigma and lambda = log(alpha) - log(sigma) of the
// point at level s (lambda = +Inf at s = 0): VP coefficients of the VE
// level s, or (1-s, s) for flow sigmas.
func lambdaOf(s float64, flow bool) (alpha, sigma, lambda float64) {
	if flow {
		alpha, sigma = 1-s, s
	} else {
		alpha, sigma = VPFromSigma(s)
	}
	return alpha, sigma, math.Log(alpha) - math.Log(sigma)
}
