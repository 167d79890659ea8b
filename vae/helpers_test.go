package vae

import (
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/weights"
)

// goldenPath is written by train/golden_demo.py --tiny-random; its tiny
// weights live under "weights.".
const goldenPath = "../model/demo/testdata/golden_tiny.safetensors"

var (
	goldenOnce sync.Once
	goldenFile *weights.File
	goldenErr  error
)

// golden opens the fixtures and loads the tiny VAEs on a CPU backend.
func golden(t testing.TB) (*weights.File, backend.Backend, *Model) {
	t.Helper()
	goldenOnce.Do(func() { goldenFile, goldenErr = weights.Open(goldenPath) })
	if goldenErr != nil {
		t.Fatalf("open golden fixtures: %v", goldenErr)
	}
	b := cpu.New(0)
	m, err := Load(goldenFile, b, "weights.")
	if err != nil {
		t.Fatalf("load tiny VAEs: %v", err)
	}
	return goldenFile, b, m
}

// tensor returns golden tensor name as a persistent backend tensor.
func tensor(t testing.TB, f *weights.File, b backend.Backend, name string) backend.Tensor {
	t.Helper()
	x, err := f.Tensor(b, name)
	if err != nil {
		t.Fatalf("golden %s: %v", name, err)
	}
	return x
}

// values returns golden tensor name as float32 values and its shape.
func values(t testing.TB, f *weights.File, name string) ([]float32, []int) {
	t.Helper()
	v, shape, err := f.Float32(name)
	if err != nil {
		t.Fatalf("golden %s: %v", name, err)
	}
	return v, shape
}

// tol bounds |got - want| <= Abs + Rel·|want|.
type tol struct{ Abs, Rel float64 }

// goldenTol is the brief's bound for float32 modules against float64
// references: 1e-4.
var goldenTol = tol{Abs: 1e-4, Rel: 1e-4}

// checkGolden compares got with golden tensor want (shape and values).
func checkGolden(t *testing.T, f *weights.File, b backend.Backend, got backend.Tensor, want string) {
	t.Helper()
	w, shape := values(t, f, want)
	if got == nil {
		t.Fatalf("%s: got nil", want)
	}
	if !slices.Equal(got.Shape(), shape) {
		t.Fatalf("%s: shape %v, want %v", want, got.Shape(), shape)
	}
	compare(t, want, b.Float32(got), w, goldenTol)
}

// compare checks got against want elementwise within tl, logging max abs
// and max rel error and failing with the worst index.
func compare(t *testing.T, what string, got, want []float32, tl tol) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	maxAbs, maxRel, maxWant, worst, worstIdx := 0.0, 0.0, 0.0, 0.0, -1
	for i := range got {
		g, w := float64(got[i]), float64(want[i])
		d := math.Abs(g - w)
		if math.IsNaN(d) {
			d = math.Inf(1)
		}
		maxAbs, maxWant = max(maxAbs, d), max(maxWant, math.Abs(w))
		if w != 0 {
			maxRel = max(maxRel, d/math.Abs(w))
		}
		if r := d / (tl.Abs + tl.Rel*math.Abs(w)); r > worst || worstIdx < 0 {
			worst, worstIdx = r, i
		}
	}
	t.Logf("%-22s n=%-6d max abs err %.3g, max rel err %.3g, max |want| %.3g", what, len(got), maxAbs, maxRel, maxWant)
	if worst > 1 {
		t.Errorf("%s: error at [%d]: got %g want %g (|d| %.3g > %g + %g·|want|)", what, worstIdx,
			got[worstIdx], want[worstIdx], math.Abs(float64(got[worstIdx])-float64(want[worstIdx])), tl.Abs, tl.Rel)
	}
}
