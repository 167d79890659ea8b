package scheduler

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// SigmaToT maps a noise level to a fractional training timestep by linear
// interpolation of log sigma in the table logSigmas (ascending), exactly as
// diffusers' _sigma_to_t: low is the last index with logSigmas[low] <=
// log(sigma) (0 if none, at most len-2), w = (ls[low]-log s)/(ls[low]-ls[low+1])
// clipped to [0, 1], t = (1-w)*low + w*(low+1).
func SigmaToT(sigma float64, logSigmas []float64) float64 {
	ls := math.Log(math.Max(sigma, 1e-10))
	low := 0
	for j, l := range logSigmas {
		if ls-l >= 0 {
			low = j
		}
	}
	if low > len(logSigmas)-2 {
		low = len(logSigmas) - 2
	}
	lo, hi := logSigmas[low], logSigmas[low+1]
	w := (lo - ls) / (lo - hi)
	w = math.Min(math.Max(w, 0), 1)
	return float64((1-w)*float64(low)) + float64(w*float64(low+1))
}

// sigmaToT32 is SigmaToT for a float32 sigma, as diffusers evaluates it for
// custom sigma lists: numpy keeps log(sigma), the weight w and 1-w in
// float32 there; only the final interpolation is float64.
func sigmaToT32(sigma float64, logSigmas []float64) float64 {
	ls := float32(math.Log(float64(max(float32(sigma), 1e-10))))
	low := 0
	for j, l := range logSigmas {
		if ls-float32(l) >= 0 {
			low = j
		}
	}
	if low > len(logSigmas)-2 {
		low = len(logSigmas) - 2
	}
	lo, hi := float32(logSigmas[low]), float32(logSigmas[low+1])
	w := (lo - ls) / (lo - hi)
	w = min(max(w, 0), 1)
	return float64(float64(1-w)*float64(low)) + float64(float64(w)*float64(low+1))
}

// LogSigmas returns log(sigmas) with each value rounded to float32, the table
// diffusers builds with numpy from its float32 sigmas.
func LogSigmas(sigmas []float64) []float64 {
	out := make([]float64, len(sigmas))
	for i, s := range sigmas {
		out[i] = logF32(s)
	}
	return out
}

// KarrasSigmas returns the n noise levels of Karras et al. (2022), eq. 5:
//
//	sigma_i = (smax^(1/rho) + i/(n-1) * (smin^(1/rho) - smax^(1/rho)))^rho
//
// descending from sigmaMax to sigmaMin. diffusers uses rho = 7.
func KarrasSigmas(n int, sigmaMin, sigmaMax, rho float64) []float64 {
	ramp := linspace(0, 1, n)
	minInv := math.Pow(sigmaMin, 1/rho)
	maxInv := math.Pow(sigmaMax, 1/rho)
	out := make([]float64, n)
	for i, r := range ramp {
		out[i] = math.Pow(maxInv+float64(r*(minInv-maxInv)), rho)
	}
	return out
}

// ExponentialSigmas returns n noise levels evenly spaced in log sigma from
// sigmaMax down to sigmaMin: exp(linspace(log smax, log smin, n)).
func ExponentialSigmas(n int, sigmaMin, sigmaMax float64) []float64 {
	out := linspace(math.Log(sigmaMax), math.Log(sigmaMin), n)
	for i, v := range out {
		out[i] = math.Exp(v)
	}
	return out
}

// BetaSigmas returns the n noise levels of the beta schedule (Lee et al.
// 2024) as diffusers builds them: sigma_i = smin + ppf(1 - i/(n-1)) *
// (smax - smin) with ppf the quantile function of Beta(alpha, beta)
// (diffusers and ComfyUI use alpha = beta = 0.6).
func BetaSigmas(n int, sigmaMin, sigmaMax, alpha, beta float64) []float64 {
	ramp := linspace(0, 1, n)
	out := make([]float64, n)
	for i, r := range ramp {
		p := 1 - r
		var q float64
		switch {
		case p <= 0:
			q = 0
		case p >= 1:
			q = 1
		default:
			q = mathext.InvRegIncBeta(alpha, beta, p)
		}
		out[i] = sigmaMin + q*(sigmaMax-sigmaMin)
	}
	return out
}

// SigmaAtT returns the model's noise level at a fractional timestep t by
// linear interpolation of log sigma in a training sigma table (ascending in
// t), as ComfyUI's discrete model sampling does.
func SigmaAtT(t float64, sigmas []float64) float64 {
	lo := int(math.Floor(t))
	if lo < 0 {
		return sigmas[0]
	}
	if lo >= len(sigmas)-1 {
		return sigmas[len(sigmas)-1]
	}
	w := t - float64(lo)
	return math.Exp((1-w)*math.Log(sigmas[lo]) + w*math.Log(sigmas[lo+1]))
}

// NormalSigmas returns n noise levels at evenly spaced timesteps from the
// highest to the lowest training sigma (ComfyUI "normal"), followed by 0.
// With sgm it spaces n+1 timesteps and drops the last ("sgm_uniform", the
// schedule of SGM/SDXL-turbo).
func NormalSigmas(n int, trainSigmas []float64, sgm bool) []float64 {
	tmax := SigmaToT(trainSigmas[len(trainSigmas)-1], natLog(trainSigmas))
	tmin := SigmaToT(trainSigmas[0], natLog(trainSigmas))
	var ts []float64
	if sgm {
		ts = linspace(tmax, tmin, n+1)[:n]
	} else {
		ts = linspace(tmax, tmin, n)
	}
	out := make([]float64, 0, n+1)
	for _, t := range ts {
		out = append(out, SigmaAtT(t, trainSigmas))
	}
	return append(out, 0)
}

// SimpleSigmas returns n noise levels taken at equal strides from the top of
// the training sigma table (ComfyUI "simple"): sigma[N-1-floor(k*N/n)] for
// k = 0..n-1, followed by 0.
func SimpleSigmas(n int, trainSigmas []float64) []float64 {
	N := len(trainSigmas)
	ss := float64(N) / float64(n)
	out := make([]float64, 0, n+1)
	for k := 0; k < n; k++ {
		out = append(out, trainSigmas[N-1-int(float64(k)*ss)])
	}
	return append(out, 0)
}

func natLog(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Log(x)
	}
	return out
}
