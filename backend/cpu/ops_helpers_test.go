package cpu

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

// Helpers of the core-op tests (prefix core, to stay apart from the
// spatial-op tests in the same package).

// coreRand returns n uniform values in [-lim, lim).
func coreRand(rng *rand.Rand, n int, lim float32) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = lim * (2*rng.Float32() - 1)
	}
	return out
}

// coreCheck fails t when any |got-want| > atol + rtol·|want| (NaN must
// match NaN, infinities must match), printing the maximum absolute and
// relative errors and their indices.
func coreCheck(t *testing.T, name string, got []float32, want []float64, atol, rtol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	maxAbs, maxRel, iAbs, iRel, bad := 0.0, 0.0, -1, -1, -1
	for i, g := range got {
		g, w := float64(g), want[i]
		if math.IsNaN(w) || math.IsNaN(g) || math.IsInf(w, 0) {
			if !(math.IsNaN(w) && math.IsNaN(g)) && g != w && bad < 0 {
				bad = i
			}
			continue
		}
		d := math.Abs(g - w)
		if d > maxAbs {
			maxAbs, iAbs = d, i
		}
		if r := d / math.Max(math.Abs(w), 1e-30); r > maxRel {
			maxRel, iRel = r, i
		}
		if d > atol+rtol*math.Abs(w) && bad < 0 {
			bad = i
		}
	}
	if bad >= 0 {
		t.Errorf("%s: mismatch at %d: got %v want %v; max abs err %.3g at %d, max rel err %.3g at %d",
			name, bad, got[bad], want[bad], maxAbs, iAbs, maxRel, iRel)
	}
}

// coreSame fails t unless a and b are bit-identical.
func coreSame(t *testing.T, name string, a, b []float32) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: lengths %d and %d", name, len(a), len(b))
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("%s: not bit-identical at %d: %v vs %v", name, i, a[i], b[i])
		}
	}
}

// coreShapePanic fails t unless fn panics with a *backend.ShapeError; it
// returns the error.
func coreShapePanic(t *testing.T, name string, fn func()) (se *backend.ShapeError) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		err, _ := r.(error)
		if !errors.As(err, &se) {
			t.Errorf("%s: want a *backend.ShapeError panic, got %v", name, r)
		}
	}()
	fn()
	return nil
}

// coreF64 widens float32 values.
func coreF64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// coreHalf stores x as dt (F16 or BF16) and returns the persistent tensor
// and the values it actually holds.
func coreHalf(t *testing.T, b *Backend, dt backend.DType, x []float32, shape ...int) (backend.Tensor, []float32) {
	t.Helper()
	raw := make([]byte, 2*len(x))
	if dt == backend.F16 {
		half.F32ToF16(raw, x)
	} else {
		half.F32ToBF16(raw, x)
	}
	tt, err := b.FromRaw(dt, raw, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return tt, b.Float32(tt)
}

// coreIndex returns the flat index into a tensor of shape in (right-aligned
// with out, size-1 axes broadcast) of the out multi-index idx.
func coreIndex(idx, in, out []int) int {
	off, st := 0, 1
	for d := len(in) - 1; d >= 0; d-- {
		o := d + len(out) - len(in)
		if in[d] != 1 {
			off += idx[o] * st
		}
		st *= in[d]
	}
	return off
}

// coreUnravel returns the multi-index of flat index i in shape.
func coreUnravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = i % shape[d]
		i /= shape[d]
	}
	return idx
}
