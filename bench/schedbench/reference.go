package schedbench

import (
	"fmt"
	"math"

	"github.com/lockstep-av/lockstep/scheduler"
)

// Denoiser returns the exact x0 estimate D(x, sigma) of a VE-noised batch
// x = x0 + sigma*eps (sigma > 0), written into dst.
type Denoiser func(dst, x []float64, sigma float64)

// VEDenoiser adapts a model that predicts x0 (scheduler.Sample) at the
// VP-scaled input a*x, (a, b) = scheduler.VPFromSigma(sigma), to a Denoiser.
func VEDenoiser(model scheduler.Model[[]float64]) Denoiser {
	var xin []float64
	return func(dst, x []float64, sigma float64) {
		a, b := scheduler.VPFromSigma(sigma)
		if len(xin) != len(x) {
			xin = make([]float64, len(x))
		}
		for i := range x {
			xin[i] = a * x[i]
		}
		if err := model(dst, xin, scheduler.Cond{Alpha: a, Sigma: b}); err != nil {
			panic(fmt.Sprintf("schedbench: reference model: %v", err))
		}
	}
}

// RefConfig sets the tolerances of the reference integrator.
type RefConfig struct {
	RTol, ATol float64 // local error tolerance per element (defaults 1e-10, 1e-12)
	// SigmaEnd is where the log-sigma integration stops and the final
	// denoising jump x <- D(x, SigmaEnd) is taken (default 1e-6). For data
	// of standard deviation s the jump's error is about
	// (SigmaEnd/s)^2/2 * |x - D|, 5e-11 relative for the gmm.
	SigmaEnd float64
}

func (c RefConfig) withDefaults() RefConfig {
	if c.RTol == 0 {
		c.RTol = 1e-10
	}
	if c.ATol == 0 {
		c.ATol = 1e-12
	}
	if c.SigmaEnd == 0 {
		c.SigmaEnd = 1e-6
	}
	return c
}

// RefStats reports the work of one reference solve.
type RefStats struct {
	Accepted, Rejected, Evals int
}

// Dormand-Prince 5(4) tableau.
var (
	dpC = [7]float64{0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1}
	dpA = [7][6]float64{
		{},
		{1.0 / 5},
		{3.0 / 40, 9.0 / 40},
		{44.0 / 45, -56.0 / 15, 32.0 / 9},
		{19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
		{9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
		{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
	}
	dpB5 = [7]float64{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0}
	dpB4 = [7]float64{5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40}
)

// Reference solves the probability-flow ODE of a VE-noised model,
//
//	dx/dsigma = (x - D(x, sigma)) / sigma,
//
// from x at sigmaStart down to sigma = 0 in float64: adaptive Dormand-Prince
// RK45 in u = log(sigma) (where dx/du = x - D is smooth) down to
// c.SigmaEnd, then the jump x <- D(x, SigmaEnd). x is overwritten with the
// solution.
func Reference(d Denoiser, x []float64, sigmaStart float64, c RefConfig) RefStats {
	c = c.withDefaults()
	st := Integrate(d, x, sigmaStart, c.SigmaEnd, c)
	d(x, x, c.SigmaEnd)
	st.Evals++
	return st
}

// Integrate solves dx/dsigma = (x - D(x, sigma))/sigma from sigmaStart to
// sigmaStop (0 < sigmaStop <= sigmaStart) with adaptive Dormand-Prince
// RK45 in u = log(sigma) at the tolerances of c, overwriting x.
func Integrate(d Denoiser, x []float64, sigmaStart, sigmaStop float64, c RefConfig) RefStats {
	c = c.withDefaults()
	n := len(x)
	var k [7][]float64
	for i := range k {
		k[i] = make([]float64, n)
	}
	y, y5, tmp, den := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	copy(y, x)
	var st RefStats
	f := func(dst, x []float64, u float64) {
		d(den, x, math.Exp(u))
		st.Evals++
		for i := range x {
			dst[i] = x[i] - den[i]
		}
	}
	u, uEnd := math.Log(sigmaStart), math.Log(sigmaStop)
	h := -0.01
	f(k[0], y, u)
	for u > uEnd {
		if u+h < uEnd {
			h = uEnd - u
		}
		for s := 1; s < 7; s++ {
			for i := range y {
				v := y[i]
				for j := 0; j < s; j++ {
					v += h * dpA[s][j] * k[j][i]
				}
				tmp[i] = v
			}
			f(k[s], tmp, u+dpC[s]*h)
		}
		errMax := 0.0
		for i := range y {
			v5, v4 := y[i], y[i]
			for s := 0; s < 7; s++ {
				v5 += h * dpB5[s] * k[s][i]
				v4 += h * dpB4[s] * k[s][i]
			}
			y5[i] = v5
			sc := c.ATol + c.RTol*math.Max(math.Abs(y[i]), math.Abs(v5))
			errMax = math.Max(errMax, math.Abs(v5-v4)/sc)
		}
		if errMax <= 1 {
			u += h
			copy(y, y5)
			copy(k[0], k[6]) // first same as last
			st.Accepted++
		} else {
			st.Rejected++
		}
		fac := 0.9 * math.Pow(math.Max(errMax, 1e-10), -0.2)
		h *= math.Min(5, math.Max(0.2, fac))
	}
	copy(x, y)
	return st
}
