package vae

import (
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/internal/tensortest"
	"github.com/lockstep-av/lockstep/weights"
)

// loadFixture opens the demo fixture d (tensortest.OpenDemoFixture: a
// missing checkpoint or fixture skips, a stale one fails) and loads its
// VAEs on a CPU backend; it returns the reference file.
func loadFixture(t testing.TB, d tensortest.DemoFixture) (*weights.File, backend.Backend, *Model) {
	t.Helper()
	g := tensortest.OpenDemoFixture(t, d)
	b := cpu.New(0)
	m, err := Load(g.Weights, b, g.Prefix)
	if err != nil {
		t.Fatalf("load %s VAEs from %s: %v", d.Name, g.WeightsName, err)
	}
	return g.Refs, b, m
}

// forEachGolden runs test on every demo fixture (tiny, checkpoint) as
// subtests, with the reference file and the fixture's VAEs.
func forEachGolden(t *testing.T, test func(t *testing.T, f *weights.File, b backend.Backend, m *Model)) {
	t.Helper()
	for _, d := range tensortest.DemoFixtures {
		t.Run(d.Name, func(t *testing.T) {
			f, b, m := loadFixture(t, d)
			test(t, f, b, m)
		})
	}
}

// golden returns the tiny fixture (train/golden_demo.py --tiny-random,
// weights inside under "weights.") and its VAEs: the small model of the
// tests that are not golden comparisons.
func golden(t testing.TB) (*weights.File, backend.Backend, *Model) {
	t.Helper()
	return loadFixture(t, tensortest.TinyFixture)
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
