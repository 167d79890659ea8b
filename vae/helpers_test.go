package vae

import (
	"sync"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/internal/tensortest"
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

// tol bounds |got - want| <= Abs + Rel·|want|.
type tol struct{ Abs, Rel float64 }

// goldenTol is the brief's bound for float32 modules against float64
// references: 1e-4.
var goldenTol = tol{Abs: 1e-4, Rel: 1e-4}

// checkGolden compares got with golden tensor want (shape and values)
// within goldenTol.
func checkGolden(t *testing.T, f *weights.File, b backend.Backend, got backend.Tensor, want string) {
	t.Helper()
	tensortest.CheckGolden(t, f, b, want, got, want, goldenTol.Abs, goldenTol.Rel)
}

// compare checks got against want elementwise within tl, logging max abs
// and max rel error and failing with the worst index.
func compare(t *testing.T, what string, got, want []float32, tl tol) {
	t.Helper()
	tensortest.Compare(t, what, got, want, tl.Abs, tl.Rel)
}
