package gmm

import (
	"fmt"
	"math"

	"github.com/lockstep-av/lockstep/scheduler"
)

// Dimensions of the toy problem.
const (
	D   = 16  // data dimension
	K   = 4   // mixture components
	Std = 0.1 // component standard deviation
)

// Means returns the K component means, mu_k[i] = cos(0.7*(k+1)*(i+1)).
func Means() [K][D]float64 {
	var m [K][D]float64
	for k := range m {
		for i := range m[k] {
			m[k][i] = math.Cos(0.7 * float64(k+1) * float64(i+1))
		}
	}
	return m
}

var means = Means()

// PosteriorMean writes E[x0 | x] for one D-vector x = a*x0 + b*eps into dst:
// responsibilities r_k ∝ N(x; a*mu_k, (a²s² + b²) I) and
//
//	E[x0|x] = Σ_k r_k (mu_k + a*s²/(a²s² + b²) * (x - a*mu_k))
//
// with s = Std. It returns the responsibilities.
func PosteriorMean(dst, x []float64, a, b float64) [K]float64 {
	if len(x) != D || len(dst) != D {
		panic(fmt.Sprintf("gmm: vector length %d/%d, want %d", len(x), len(dst), D))
	}
	s2 := Std * Std
	v := a*a*s2 + b*b
	var logit [K]float64
	mx := math.Inf(-1)
	for k := range logit {
		q := 0.0
		for i := range x {
			d := x[i] - a*means[k][i]
			q += d * d
		}
		logit[k] = -q / (2 * v)
		mx = math.Max(mx, logit[k])
	}
	var r [K]float64
	sum := 0.0
	for k := range r {
		r[k] = math.Exp(logit[k] - mx)
		sum += r[k]
	}
	g := a * s2 / v
	for i := range dst {
		dst[i] = 0
	}
	for k := range r {
		r[k] /= sum
		for i := range dst {
			dst[i] += r[k] * (means[k][i] + g*(x[i]-a*means[k][i]))
		}
	}
	return r
}

// Predict writes the prediction of type pred for a batch of D-vectors
// (len(x) a multiple of D) noised as x = a*x0 + b*eps: epsilon (x - a*E)/b,
// v = a*eps - b*E, velocity eps - E, or the sample E itself.
func Predict(dst, x []float64, a, b float64, pred scheduler.Prediction) {
	if len(x)%D != 0 || len(dst) != len(x) {
		panic(fmt.Sprintf("gmm: batch lengths %d/%d, want equal multiples of %d", len(dst), len(x), D))
	}
	var e [D]float64
	for o := 0; o < len(x); o += D {
		xv := x[o : o+D]
		PosteriorMean(e[:], xv, a, b)
		for i := range e {
			eps := (xv[i] - a*e[i]) / b
			var p float64
			switch pred {
			case scheduler.Epsilon:
				p = eps
			case scheduler.V:
				p = a*eps - b*e[i]
			case scheduler.Velocity:
				p = eps - e[i]
			case scheduler.Sample:
				p = e[i]
			default:
				panic(fmt.Sprintf("gmm: unknown prediction %q", pred))
			}
			dst[o+i] = p
		}
	}
}

// Model returns the gmm denoiser as a scheduler.Model on []float64 batches.
func Model(pred scheduler.Prediction) scheduler.Model[[]float64] {
	return func(out, xIn []float64, c scheduler.Cond) error {
		Predict(out, xIn, c.Alpha, c.Sigma, pred)
		return nil
	}
}

// Draw writes n samples of the mixture (n*D values) using rng: component
// k = floor(u*K), then mu_k + Std*z.
func Draw(dst []float64, rng *scheduler.RNG) {
	for o := 0; o+D <= len(dst); o += D {
		k := int(rng.Uniform() * K)
		if k >= K {
			k = K - 1
		}
		for i := 0; i < D; i++ {
			dst[o+i] = means[k][i] + Std*rng.Normal()
		}
	}
}
