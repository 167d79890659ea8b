package cpu

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestExpAcc(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 82))
	worst, at := 0.0, 0.0
	for i := range 200000 {
		x := -104 + 192*rng.Float64()
		if i%2 == 0 {
			x = 2*rng.Float64() - 1 // dense near 0
		}
		got, want := expAcc(x), math.Exp(x)
		if x > 90 {
			if float32(got) != float32(want) {
				t.Fatalf("expAcc(%v) = %v, want float32 overflow like %v", x, got, want)
			}
			continue
		}
		if e := math.Abs(got-want) / want; e > worst {
			worst, at = e, x
		}
	}
	if worst > 1e-11 {
		t.Errorf("expAcc: max rel error %.3g at x = %v", worst, at)
	}
	for _, tc := range []struct{ x, want float64 }{
		{math.Inf(-1), 0}, {-1000, 0}, {0, 1}, {1, math.E},
	} {
		if got := expAcc(tc.x); math.Abs(got-tc.want) > 1e-9*tc.want {
			t.Errorf("expAcc(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
	if !math.IsNaN(expAcc(math.NaN())) || !math.IsInf(float64(float32(expAcc(math.Inf(1)))), 1) {
		t.Error("expAcc: NaN must stay NaN and +Inf must overflow float32")
	}
}

func TestGeluExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(83, 84))
	worst, at := 0.0, 0.0
	for i := range 400000 {
		x := -22 + 44*rng.Float64()
		if i%2 == 0 {
			x = 8*rng.Float64() - 4
		}
		got, want := geluExact(x), x/2*math.Erfc(-x/math.Sqrt2)
		if math.Abs(want) < 0x1p-126 { // below float32's normal range
			if math.Abs(got-want) > 0x1p-149 {
				t.Fatalf("geluExact(%v) = %v, want %v", x, got, want)
			}
			continue
		}
		if e := math.Abs(got-want) / math.Abs(want); e > worst {
			worst, at = e, x
		}
	}
	if worst > 1e-9 {
		t.Errorf("geluExact: max rel error %.3g at x = %v", worst, at)
	}
	// -Inf gives NaN, like x/2·(1+erf(x/√2)) = -Inf·0 in PyTorch.
	if !math.IsNaN(geluExact(math.NaN())) || geluExact(math.Inf(1)) != math.Inf(1) || !math.IsNaN(geluExact(math.Inf(-1))) {
		t.Error("geluExact: NaN, +Inf or -Inf mishandled")
	}
	if got := geluExact(-30); got != 0 || !math.Signbit(got) {
		t.Errorf("geluExact(-30) = %v, want -0", got)
	}
}
