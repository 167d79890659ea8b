package nn

import (
	"sync"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/internal/tensortest"
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

// tol is an error bound |got - want| <= Abs + Rel·|want|.
type tol struct{ Abs, Rel float64 }

// f32Tol is the bound for float32 layers whose references are float64
// results rounded to float32: rounding of O(1) values and a few dozen
// float32 accumulations.
var f32Tol = tol{Abs: 1e-5, Rel: 1e-5}

// check compares got against the golden tensor want (shape and values)
// within tl, logging max abs and rel errors and failing with the worst
// index.
func check(t *testing.T, f *weights.File, b backend.Backend, got backend.Tensor, want string, tl tol) {
	t.Helper()
	tensortest.CheckGolden(t, f, b, want, got, want, tl.Abs, tl.Rel)
}

// compare checks got against want elementwise within tl.
func compare(t *testing.T, what string, got, want []float32, tl tol) {
	t.Helper()
	tensortest.Compare(t, what, got, want, tl.Abs, tl.Rel)
}

// same requires |got - want| <= tl (bit-identical values for tl = 0:
// chunked vs whole streaming).
func same(t *testing.T, what string, got, want []float32, tl float64) {
	t.Helper()
	tensortest.Compare(t, what, got, want, tl, 0)
}
