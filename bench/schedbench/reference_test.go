package schedbench

import (
	"math"
	"testing"

	"github.com/lockstep-av/lockstep/scheduler"
	"github.com/lockstep-av/lockstep/scheduler/gmm"
)

// gaussian is the exact denoiser of N(mu, s^2 I) under VE noising.
func gaussian(mu, s float64) Denoiser {
	return func(dst, x []float64, sigma float64) {
		g := s * s / (s*s + sigma*sigma)
		for i := range x {
			dst[i] = mu + g*(x[i]-mu)
		}
	}
}

// maxRel returns the max abs difference, the max relative difference and
// its index.
func maxRel(got, want []float64) (abs, rel float64, at int) {
	for i := range got {
		d := math.Abs(got[i] - want[i])
		abs = math.Max(abs, d)
		if r := d / math.Max(math.Abs(want[i]), 1e-300); r > rel {
			rel, at = r, i
		}
	}
	return abs, rel, at
}

// TestReferenceGaussian checks the integrator against the closed-form flow
// of a single Gaussian: x(sigma) - mu = (x(sigma0) - mu) *
// sqrt(s^2+sigma^2)/sqrt(s^2+sigma0^2).
func TestReferenceGaussian(t *testing.T) {
	const mu, s, s0 = 0.3, 0.1, 157.4
	z := Noise(1, 32)
	for _, stop := range []float64{20, 1, 0.05, 0} {
		x := make([]float64, len(z))
		for i := range z {
			x[i] = z[i] * s0
		}
		var st RefStats
		if stop == 0 {
			st = Reference(gaussian(mu, s), x, s0, RefConfig{})
		} else {
			st = Integrate(gaussian(mu, s), x, s0, stop, RefConfig{})
		}
		f := math.Sqrt(s*s+stop*stop) / math.Sqrt(s*s+s0*s0)
		want := make([]float64, len(z))
		for i := range z {
			want[i] = mu + (z[i]*s0-mu)*f
		}
		abs, rel, at := maxRel(x, want)
		t.Logf("sigma %g: %d accepted, %d rejected steps; max abs %.3g rel %.3g at %d", stop, st.Accepted, st.Rejected, abs, rel, at)
		if rel > 1e-9 {
			t.Errorf("sigma %g: max abs %.3g rel %.3g at %d", stop, abs, rel, at)
		}
	}
}

// rk4 is an independent fixed-step classical RK4 in log sigma from s0 to
// 1e-6 (steps steps), then the denoising jump.
func rk4(d Denoiser, x []float64, s0 float64, steps int) {
	n := len(x)
	f := func(dst, x []float64, u float64) {
		d(dst, x, math.Exp(u))
		for i := range x {
			dst[i] = x[i] - dst[i]
		}
	}
	k1, k2, k3, k4, tmp := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	u0, u1 := math.Log(s0), math.Log(1e-6)
	h := (u1 - u0) / float64(steps)
	for k := 0; k < steps; k++ {
		u := u0 + float64(k)*h
		f(k1, x, u)
		for i := range x {
			tmp[i] = x[i] + h/2*k1[i]
		}
		f(k2, tmp, u+h/2)
		for i := range x {
			tmp[i] = x[i] + h/2*k2[i]
		}
		f(k3, tmp, u+h/2)
		for i := range x {
			tmp[i] = x[i] + h*k3[i]
		}
		f(k4, tmp, u+h)
		for i := range x {
			x[i] += h / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
	}
	d(x, x, 1e-6)
}

// TestReferenceConvergedGMM compares the gmm reference with one at 100x
// tighter tolerances and with a 20000-step RK4 solution.
func TestReferenceConvergedGMM(t *testing.T) {
	den := VEDenoiser(gmm.Model(scheduler.Sample))
	const s0 = 157.40725708007812
	for seed := uint64(0); seed < 4; seed++ {
		z := Noise(seed, 4*gmm.D)
		a, b, c := make([]float64, len(z)), make([]float64, len(z)), make([]float64, len(z))
		for i := range z {
			a[i], b[i], c[i] = z[i]*s0, z[i]*s0, z[i]*s0
		}
		st := Reference(den, a, s0, RefConfig{})
		Reference(den, b, s0, RefConfig{RTol: 1e-12, ATol: 1e-14})
		rk4(den, c, s0, 20000)
		abs1, rel1, at1 := maxRel(a, b)
		abs2, rel2, at2 := maxRel(a, c)
		t.Logf("seed %d: %d evals; vs tighter: max abs %.3g rel %.3g at %d; vs RK4: max abs %.3g rel %.3g at %d",
			seed, st.Evals, abs1, rel1, at1, abs2, rel2, at2)
		if abs1 > 1e-8 || abs2 > 1e-8 {
			t.Errorf("seed %d: reference not converged: %.3g (tighter) %.3g (RK4)", seed, abs1, abs2)
		}
	}
}
