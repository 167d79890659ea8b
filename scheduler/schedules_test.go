package scheduler_test

import (
	"math"
	"slices"
	"testing"

	"github.com/lockstep-av/lockstep/scheduler"
)

func TestIntTimesteps(t *testing.T) {
	cases := []struct {
		sp     scheduler.Spacing
		n, off int
		want   []float64
	}{
		{scheduler.Leading, 10, 1, []float64{901, 801, 701, 601, 501, 401, 301, 201, 101, 1}},
		{scheduler.Trailing, 10, 0, []float64{999, 899, 799, 699, 599, 499, 399, 299, 199, 99}},
		{scheduler.Linspace, 4, 0, []float64{999, 666, 333, 0}},
		{scheduler.Trailing, 3, 0, []float64{999, 666, 332}},
	}
	for _, c := range cases {
		got, err := scheduler.IntTimesteps(c.sp, 1000, c.n, c.off)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s n=%d: got %v want %v", c.sp, c.n, got, c.want)
		}
	}
	if _, err := scheduler.IntTimesteps("bogus", 1000, 4, 0); err == nil {
		t.Error("unknown spacing accepted")
	}
}

func TestMultistepTimesteps(t *testing.T) {
	got, _ := scheduler.MultistepTimesteps(scheduler.Linspace, 1000, 1000, 4, 0)
	// round(linspace(0, 999, 5)) reversed without the last: 999, 749, 500, 250
	if want := []float64{999, 749, 500, 250}; !slices.Equal(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
}

func trainSigmas(t *testing.T) []float64 {
	vp, err := scheduler.NewVP(scheduler.VPConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return vp.Sigmas()
}

func checkDescendingToZero(t *testing.T, name string, s []float64, n int, smax float64) {
	t.Helper()
	if len(s) != n+1 || s[n] != 0 {
		t.Fatalf("%s: len %d last %v, want %d values ending in 0", name, len(s), s[len(s)-1], n+1)
	}
	if math.Abs(s[0]-smax) > 1e-9*smax {
		t.Errorf("%s: first sigma %.9g want %.9g", name, s[0], smax)
	}
	for i := 1; i < len(s); i++ {
		if !(s[i] < s[i-1]) {
			t.Errorf("%s: not descending at %d: %v", name, i, s)
		}
	}
}

func TestComfySigmaSchedules(t *testing.T) {
	tr := trainSigmas(t)
	smax := tr[len(tr)-1]
	checkDescendingToZero(t, "normal", scheduler.NormalSigmas(10, tr, false), 10, smax)
	checkDescendingToZero(t, "sgm_uniform", scheduler.NormalSigmas(10, tr, true), 10, smax)
	simple := scheduler.SimpleSigmas(10, tr)
	checkDescendingToZero(t, "simple", simple, 10, smax)
	// simple takes every 100th training sigma from the top.
	for k := 0; k < 10; k++ {
		if simple[k] != tr[999-100*k] {
			t.Errorf("simple[%d] = %v want tr[%d] = %v", k, simple[k], 999-100*k, tr[999-100*k])
		}
	}
	// normal ends at the smallest training sigma, sgm_uniform above it.
	nrm := scheduler.NormalSigmas(10, tr, false)
	if math.Abs(nrm[9]-tr[0]) > 1e-12 {
		t.Errorf("normal last %v want %v", nrm[9], tr[0])
	}
	// SigmaAtT inverts SigmaToT at grid points.
	logS := scheduler.LogSigmas(tr)
	for _, i := range []int{0, 1, 17, 500, 998, 999} {
		if got := scheduler.SigmaToT(tr[i], logS); math.Abs(got-float64(i)) > 1e-4 {
			t.Errorf("SigmaToT(tr[%d]) = %v", i, got)
		}
	}
}

func TestKarrasExponential(t *testing.T) {
	k := scheduler.KarrasSigmas(8, 0.03, 14.6, 7)
	if math.Abs(k[0]-14.6) > 1e-12 || math.Abs(k[7]-0.03) > 1e-14 {
		t.Errorf("karras endpoints %v", k)
	}
	lin := scheduler.KarrasSigmas(5, 1, 5, 1)
	for i, v := range lin {
		if math.Abs(v-(5-float64(i))) > 1e-12 {
			t.Errorf("rho=1 karras not linear: %v", lin)
		}
	}
	e := scheduler.ExponentialSigmas(5, 0.1, 10)
	for i := 1; i < 5; i++ {
		if r := e[i] / e[i-1]; math.Abs(r-math.Pow(0.01, 0.25)) > 1e-12 {
			t.Errorf("exponential ratio %v", r)
		}
	}
}

// betaCDF integrates the Beta(a, a) density numerically after the
// substitution x = sin^2(theta), which removes the endpoint singularities.
func betaCDF(x, a float64) float64 {
	f := func(th float64) float64 {
		s, c := math.Sin(th), math.Cos(th)
		return 2 * math.Pow(s, 2*a-1) * math.Pow(c, 2*a-1)
	}
	integ := func(hi float64) float64 {
		const n = 20000
		h := hi / n
		sum := 0.0
		for i := 0; i < n; i++ { // midpoint rule
			sum += f((float64(i) + 0.5) * h)
		}
		return sum * h
	}
	return integ(math.Asin(math.Sqrt(x))) / integ(math.Pi/2)
}

func TestBetaSigmas(t *testing.T) {
	const n = 9
	s := scheduler.BetaSigmas(n, 0.1, 10, 0.6, 0.6)
	if s[0] != 10 || s[n-1] != 0.1 {
		t.Fatalf("endpoints %v", s)
	}
	for i := 1; i < n-1; i++ {
		q := (s[i] - 0.1) / 9.9
		p := 1 - float64(i)/float64(n-1)
		if got := betaCDF(q, 0.6); math.Abs(got-p) > 1e-6 {
			t.Errorf("sigma[%d]: CDF(ppf(%g)) = %.9g", i, p, got)
		}
		// Beta(a, a) is symmetric: ppf(p) + ppf(1-p) = 1.
		qq := (s[n-1-i] - 0.1) / 9.9
		if math.Abs(q+qq-1) > 1e-9 {
			t.Errorf("asymmetric beta quantiles %v %v", q, qq)
		}
	}
}

func TestFlowShift(t *testing.T) {
	if mu := scheduler.CalculateShift(4096, 256, 4096, 0.5, 1.15); math.Abs(mu-1.15) > 1e-12 {
		t.Errorf("mu(4096) = %v", mu)
	}
	if mu := scheduler.CalculateShift(256, 256, 4096, 0.5, 1.15); math.Abs(mu-0.5) > 1e-12 {
		t.Errorf("mu(256) = %v", mu)
	}
	for _, s := range []float64{0.01, 0.3, 0.5, 0.99} {
		a := scheduler.TimeShiftExponential(0.8, 1, s)
		b := scheduler.ShiftSigma(s, math.Exp(0.8))
		if math.Abs(a-b) > 1e-14 {
			t.Errorf("exp time shift %v != static shift %v", a, b)
		}
	}
	sig, ts := scheduler.FlowSchedule(scheduler.FlowConfig{Shift: 3}, 4)
	if sig[0] != 1 || sig[4] != 0 || ts[0] != 1000 {
		t.Errorf("flow schedule %v %v", sig, ts)
	}
}

func TestParameterisations(t *testing.T) {
	for _, nz := range []scheduler.Noising{scheduler.VPNoising, scheduler.VENoising, scheduler.FlowNoising} {
		a, b := scheduler.Coefficients(nz, 0.3)
		x0, eps := 0.7, -1.2
		x := a*x0 + b*eps
		preds := []scheduler.Prediction{scheduler.Epsilon, scheduler.V, scheduler.Sample}
		if nz == scheduler.FlowNoising {
			preds = append(preds, scheduler.Velocity)
		}
		for _, p := range preds {
			v := scheduler.FromX0(p, x0, x, a, b)
			if got := scheduler.ToX0(p, v, x, a, b); math.Abs(got-x0) > 1e-12 {
				t.Errorf("%s/%s: x0 %v want %v", nz, p, got, x0)
			}
			if got := scheduler.ToEps(p, v, x, a, b); math.Abs(got-eps) > 1e-12 {
				t.Errorf("%s/%s: eps %v want %v", nz, p, got, eps)
			}
		}
	}
}

// TestRNGMatchesParityScript checks the Go RNG against the initial noise
// the Python implementation in train/diffusers_parity.py wrote.
func TestRNGMatchesParityScript(t *testing.T) {
	var fs []fixture
	loadJSON(t, "diffusers_ddim.json", &fs)
	want := flatten(fs[0].Initial)
	got := scheduler.NewRNG(fs[0].Seed, 0).Normals(make([]float64, len(want)))
	if rel, abs, i := relErr(got, want); rel > 1e-14 {
		t.Errorf("RNG differs from the Python stream: max abs %.3g at %d", abs, i)
	}
	r := scheduler.NewRNG(5, 3)
	const n = 200000
	m, m2 := 0.0, 0.0
	for i := 0; i < n; i++ {
		z := r.Normal()
		m += z / n
		m2 += z * z / n
	}
	if math.Abs(m) > 5/math.Sqrt(n) || math.Abs(m2-1) > 5*math.Sqrt(2.0/n) {
		t.Errorf("normal moments: mean %.4f, E[z^2] %.4f", m, m2)
	}
}
