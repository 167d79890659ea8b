package tensortest

import (
	"math"
	"slices"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/weights"
)

// Stats summarises a comparison of got against want.
type Stats struct {
	N       int     // number of values
	MaxAbs  float64 // max |got - want| (+Inf for a NaN difference)
	AbsAt   int     // index of MaxAbs, -1 if all differences are 0
	MaxRel  float64 // max |got - want| / |want| over want != 0
	RelAt   int     // index of MaxRel, -1 if none
	MaxWant float64 // max |want| over finite want
	Bad     int     // values beyond the bound
	Worst   float64 // max |got - want| / (abs + rel·|want|)
	WorstAt int     // index of Worst, -1 if all differences are 0
}

// Measure compares got with want (of equal length) elementwise against the
// bound |got - want| <= abs + rel·|want|. A NaN difference counts as +Inf;
// where want is ±Inf or NaN, got must be the same value (any NaN for NaN).
// With abs = rel = 0 only bit-identical values pass.
func Measure(got, want []float32, abs, rel float64) Stats {
	s := Stats{N: len(want), AbsAt: -1, RelAt: -1, WorstAt: -1}
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		finite := !math.IsInf(w, 0) && !math.IsNaN(w)
		var d, bound float64 // a non-finite want is matched exactly
		switch {
		case finite:
			d, bound = math.Abs(g-w), abs+rel*math.Abs(w)
			if math.IsNaN(d) {
				d = math.Inf(1)
			}
			s.MaxWant = max(s.MaxWant, math.Abs(w))
		case g != w && !(math.IsNaN(g) && math.IsNaN(w)):
			d = math.Inf(1)
		}
		if d == 0 {
			continue
		}
		if d > s.MaxAbs {
			s.MaxAbs, s.AbsAt = d, i
		}
		if finite && w != 0 {
			if r := d / math.Abs(w); r > s.MaxRel {
				s.MaxRel, s.RelAt = r, i
			}
		}
		if d > bound {
			s.Bad++
		}
		if r := d / bound; r > s.Worst { // d > 0, so r is positive or +Inf
			s.Worst, s.WorstAt = r, i
		}
	}
	return s
}

// Compare checks got against want elementwise within |got - want| <=
// tolAbs + tolRel·|want| (see Measure). It logs the max abs error and the
// max rel error with their indices; beyond the bound it fails the test
// with the number of such values and the worst one (by error over bound).
// A length mismatch is fatal.
func Compare(t testing.TB, name string, got, want []float32, tolAbs, tolRel float64) Stats {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	s := Measure(got, want, tolAbs, tolRel)
	t.Logf("%-24s n=%-6d max abs err %.3g (at %d), max rel err %.3g (at %d), max |want| %.3g",
		name, s.N, s.MaxAbs, s.AbsAt, s.MaxRel, s.RelAt, s.MaxWant)
	if s.Bad > 0 {
		i := s.WorstAt
		t.Errorf("%s: %d of %d values beyond %g + %g·|want|; worst at [%d]: got %.7g want %.7g (|d| %.3g)",
			name, s.Bad, s.N, tolAbs, tolRel, i, got[i], want[i], math.Abs(float64(got[i])-float64(want[i])))
	}
	return s
}

// CompareShaped is Compare after requiring equal shapes (fatal otherwise).
func CompareShaped(t testing.TB, name string, gotShape []int, got []float32, wantShape []int, want []float32,
	tolAbs, tolRel float64) Stats {
	t.Helper()
	if !slices.Equal(gotShape, wantShape) {
		t.Fatalf("%s: shape %v, want %v", name, gotShape, wantShape)
	}
	return Compare(t, name, got, want, tolAbs, tolRel)
}

// CheckGolden compares the backend tensor got (shape and values) with the
// golden tensor want of f, within tolAbs + tolRel·|want|, under name.
func CheckGolden(t testing.TB, f *weights.File, b backend.Backend, name string, got backend.Tensor, want string,
	tolAbs, tolRel float64) Stats {
	t.Helper()
	w, shape := Values(t, f, want)
	if got == nil {
		t.Fatalf("%s: got nil tensor", name)
	}
	return CompareShaped(t, name, got.Shape(), b.Float32(got), shape, w, tolAbs, tolRel)
}

// Values returns the named tensor of f as float32 values and its shape;
// a missing or unreadable tensor is fatal.
func Values(t testing.TB, f *weights.File, name string) ([]float32, []int) {
	t.Helper()
	v, shape, err := f.Float32(name)
	if err != nil {
		t.Fatalf("golden %s: %v", name, err)
	}
	return v, shape
}

// Tensor returns the named tensor of f as a persistent tensor of b; a
// missing or unreadable tensor is fatal.
func Tensor(t testing.TB, f *weights.File, b backend.Backend, name string) backend.Tensor {
	t.Helper()
	x, err := f.Tensor(b, name)
	if err != nil {
		t.Fatalf("golden %s: %v", name, err)
	}
	return x
}
