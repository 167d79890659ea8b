package gmm

import (
	"math"
	"testing"

	"github.com/lockstep-av/lockstep/scheduler"
)

// logDensity is log p(x) of the noised mixture x = a*x0 + b*eps, written
// independently of PosteriorMean (direct sum of Gaussian densities).
func logDensity(x []float64, a, b float64) float64 {
	v := a*a*Std*Std + b*b
	p := 0.0
	for k := 0; k < K; k++ {
		q := 0.0
		for i := range x {
			d := x[i] - a*means[k][i]
			q += d * d
		}
		p += 0.25 * math.Exp(-q/(2*v)) / math.Pow(2*math.Pi*v, float64(D)/2)
	}
	return math.Log(p)
}

// TestTweedie checks E[x0|x] = (x + b^2 grad log p(x)) / a with the score
// from central differences of the independently written density.
func TestTweedie(t *testing.T) {
	rng := scheduler.NewRNG(7, 0)
	cases := []struct{ a, b float64 }{{0.999, 0.045}, {0.9, 0.436}, {0.5, 0.866}, {0.1, 0.995}, {0.7, 0.3}, {1, 2.5}}
	x := make([]float64, D)
	got := make([]float64, D)
	for _, c := range cases {
		for trial := 0; trial < 5; trial++ {
			Draw(x, rng)
			for i := range x {
				x[i] = c.a*x[i] + c.b*rng.Normal()
			}
			PosteriorMean(got, x, c.a, c.b)
			worst := 0.0
			for i := range x {
				h := 1e-5
				xp := append([]float64(nil), x...)
				xm := append([]float64(nil), x...)
				xp[i] += h
				xm[i] -= h
				score := (logDensity(xp, c.a, c.b) - logDensity(xm, c.a, c.b)) / (2 * h)
				want := (x[i] + c.b*c.b*score) / c.a
				worst = math.Max(worst, math.Abs(got[i]-want))
			}
			if worst > 1e-6 {
				t.Errorf("a=%g b=%g: Tweedie mismatch max abs %.3g", c.a, c.b, worst)
			}
		}
	}
}

// TestPosteriorOrthogonality is a Monte-Carlo check: the posterior mean
// m(x) makes the residual x0 - m(x) uncorrelated with any function of x
// (here x itself and a constant), within sampling error.
func TestPosteriorOrthogonality(t *testing.T) {
	const n = 20000
	a, b := 0.6, 0.8
	rng := scheduler.NewRNG(11, 0)
	x0 := make([]float64, D)
	x := make([]float64, D)
	m := make([]float64, D)
	var sumR, sumRX [D]float64
	var sumR2 [D]float64
	for s := 0; s < n; s++ {
		Draw(x0, rng)
		for i := range x {
			x[i] = a*x0[i] + b*rng.Normal()
		}
		PosteriorMean(m, x, a, b)
		for i := range x {
			r := x0[i] - m[i]
			sumR[i] += r
			sumRX[i] += r * x[i]
			sumR2[i] += r * r
		}
	}
	for i := 0; i < D; i++ {
		sd := math.Sqrt(sumR2[i] / n)
		tol := 5 * sd / math.Sqrt(n) * 1.5 // 5 sigma; x has std ~1
		if math.Abs(sumR[i]/n) > tol || math.Abs(sumRX[i]/n) > tol {
			t.Errorf("dim %d: E[r]=%.3g E[r x]=%.3g tol %.3g", i, sumR[i]/n, sumRX[i]/n, tol)
		}
	}
}

// TestPredictConversions checks that eps, v and velocity predictions all
// map back to the same x0 through scheduler.ToX0.
func TestPredictConversions(t *testing.T) {
	rng := scheduler.NewRNG(3, 0)
	x := make([]float64, 2*D)
	rng.Normals(x)
	x0 := make([]float64, 2*D)
	for o := 0; o < len(x); o += D {
		PosteriorMean(x0[o:o+D], x[o:o+D], 0.6, 0.8)
	}
	for _, c := range []struct {
		pred scheduler.Prediction
		a, b float64
	}{{scheduler.Epsilon, 0.6, 0.8}, {scheduler.V, 0.6, 0.8}, {scheduler.Sample, 0.6, 0.8}} {
		p := make([]float64, len(x))
		Predict(p, x, c.a, c.b, c.pred)
		for i := range x {
			if got := scheduler.ToX0(c.pred, p[i], x[i], c.a, c.b); math.Abs(got-x0[i]) > 1e-12 {
				t.Fatalf("%s: x0[%d] = %.15g, want %.15g", c.pred, i, got, x0[i])
			}
		}
	}
	// Flow: a = 1 - b.
	for o := 0; o < len(x); o += D {
		PosteriorMean(x0[o:o+D], x[o:o+D], 0.3, 0.7)
	}
	p := make([]float64, len(x))
	Predict(p, x, 0.3, 0.7, scheduler.Velocity)
	for i := range x {
		if got := scheduler.ToX0(scheduler.Velocity, p[i], x[i], 0.3, 0.7); math.Abs(got-x0[i]) > 1e-12 {
			t.Fatalf("velocity: x0[%d] = %.15g, want %.15g", i, got, x0[i])
		}
	}
}

// TestOneDimensionalIntegration checks the single-component posterior
// formula against numerical integration in one dimension: for x0 ~
// N(mu, s^2) and x = a x0 + b eps, E[x0|x] = ∫ x0 p(x|x0) p(x0) / ∫ ... .
func TestOneDimensionalIntegration(t *testing.T) {
	mu, s := 0.37, Std
	for _, c := range []struct{ a, b, x float64 }{{0.8, 0.6, 0.1}, {0.2, 0.98, -1.3}, {0.99, 0.1, 0.5}} {
		num, den := 0.0, 0.0
		const steps = 200000
		lo, hi := mu-12*s, mu+12*s
		h := (hi - lo) / steps
		for k := 0; k <= steps; k++ {
			x0 := lo + float64(k)*h
			w := math.Exp(-(x0-mu)*(x0-mu)/(2*s*s)) * math.Exp(-(c.x-c.a*x0)*(c.x-c.a*x0)/(2*c.b*c.b))
			if k == 0 || k == steps {
				w /= 2
			}
			num += w * x0
			den += w
		}
		want := num / den
		v := c.a*c.a*s*s + c.b*c.b
		got := mu + c.a*s*s/v*(c.x-c.a*mu)
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("a=%g b=%g x=%g: formula %.12g, integral %.12g", c.a, c.b, c.x, got, want)
		}
	}
}
