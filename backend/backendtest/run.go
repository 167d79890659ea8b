package backendtest

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// Run runs the conformance suite on the backends made by newBackend (threads
// is the worker count; results must not depend on it). Subtests: golden
// (PyTorch fixtures, fast path and composed layers), properties and
// determinism.
func Run(t *testing.T, newBackend func(threads int) backend.Backend) {
	t.Run("golden", func(t *testing.T) {
		b := newBackend(2)
		defer b.Close()
		runGolden(t, b)
	})
	t.Run("properties", func(t *testing.T) {
		b := newBackend(2)
		defer b.Close()
		runProperties(t, b)
	})
	t.Run("determinism", func(t *testing.T) {
		runDeterminism(t, newBackend)
	})
}

// randData returns n seeded normal values times scale.
func randData(seed uint64, n int, scale float64) []float32 {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(r.NormFloat64() * scale)
	}
	return out
}

// persistent makes a persistent F32 tensor of seeded normal values.
func persistent(tb testing.TB, b backend.Backend, seed uint64, scale float64, shape ...int) backend.Tensor {
	tb.Helper()
	t, err := b.FromFloat32(randData(seed, backend.NumElements(shape), scale), shape...)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// fanIn is 1/√n, the scale of a weight with n inputs.
func fanIn(n int) float64 { return 1 / math.Sqrt(float64(n)) }

// catch runs f and returns the error that backend.Recover makes of its
// panic, or nil.
func catch(what string, f func()) (err error) {
	defer backend.Recover(&err, what)
	f()
	return nil
}
