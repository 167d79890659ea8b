package nn

import (
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/weights"
)

// goldenPath is written by train/golden_nn.py.
const goldenPath = "testdata/layers.safetensors"

var (
	goldenOnce sync.Once
	goldenFile *weights.File
	goldenErr  error
)

// fixture opens the golden file and a CPU backend with a fresh context.
func fixture(t *testing.T) (*weights.File, backend.Backend, backend.Context) {
	t.Helper()
	goldenOnce.Do(func() { goldenFile, goldenErr = weights.Open(goldenPath) })
	if goldenErr != nil {
		t.Fatalf("open golden fixtures: %v", goldenErr)
	}
	b := cpu.New(0)
	return goldenFile, b, b.NewContext()
}

// bind binds dst from the golden file under prefix (e.g. "linear_f32.").
func bind(t *testing.T, f *weights.File, b backend.Backend, dst any, prefix string) {
	t.Helper()
	if err := weights.Bind(f, b, dst, weights.BindOptions{Prefix: prefix}); err != nil {
		t.Fatalf("bind %s: %v", prefix, err)
	}
}

// load returns the named golden tensor as a persistent backend tensor.
func load(t *testing.T, f *weights.File, b backend.Backend, name string) backend.Tensor {
	t.Helper()
	x, err := f.Tensor(b, name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return x
}

// tol is an error bound |got - want| <= Abs + Rel·|want|.
type tol struct{ Abs, Rel float64 }

// f32Tol is the bound for float32 layers whose references are float64
// results rounded to float32: rounding of O(1) values and a few dozen
// float32 accumulations.
var f32Tol = tol{Abs: 1e-5, Rel: 1e-5}

// check compares got against the golden tensor want (shape and values),
// logging max abs and rel errors and failing with the worst index.
func check(t *testing.T, f *weights.File, b backend.Backend, got backend.Tensor, want string, tl tol) {
	t.Helper()
	w, shape, err := f.Float32(want)
	if err != nil {
		t.Fatalf("golden %s: %v", want, err)
	}
	if got == nil {
		t.Fatalf("%s: got nil tensor", want)
	}
	if !slices.Equal(got.Shape(), shape) {
		t.Fatalf("%s: shape %v, want %v", want, got.Shape(), shape)
	}
	compare(t, want, b.Float32(got), w, tl)
}

// compare checks got against want elementwise within tl.
func compare(t *testing.T, what string, got, want []float32, tl tol) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	maxAbs, maxRel, maxWant, worst, worstIdx := 0.0, 0.0, 0.0, 0.0, -1
	for i := range got {
		g, w := float64(got[i]), float64(want[i])
		if math.IsInf(w, 0) || math.IsNaN(w) {
			if g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				t.Fatalf("%s[%d] = %g, want %g", what, i, g, w)
			}
			continue
		}
		d := math.Abs(g - w)
		if math.IsNaN(d) {
			d = math.Inf(1)
		}
		maxAbs, maxWant = max(maxAbs, d), max(maxWant, math.Abs(w))
		if w != 0 {
			maxRel = max(maxRel, d/math.Abs(w))
		}
		if r := d / (tl.Abs + tl.Rel*math.Abs(w)); r > worst {
			worst, worstIdx = r, i
		}
	}
	// The relative error of outputs near zero says little about a layer;
	// max abs / max |want| is the scale-relative error.
	t.Logf("%-28s n=%-5d max abs err %.3g, max rel err %.3g, max abs/max|want| %.3g",
		what, len(got), maxAbs, maxRel, maxAbs/max(maxWant, math.SmallestNonzeroFloat64))
	if worst > 1 {
		t.Errorf("%s: error at [%d]: got %g want %g (|d| %.3g > %g + %g·|want|)", what, worstIdx,
			got[worstIdx], want[worstIdx], math.Abs(float64(got[worstIdx])-float64(want[worstIdx])), tl.Abs, tl.Rel)
	}
}

// same requires bit-identical values (chunked vs whole streaming).
func same(t *testing.T, what string, got, want []float32, tl float64) {
	t.Helper()
	compare(t, what, got, want, tol{Abs: tl, Rel: 0})
}
