package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// TestModulatedLayerNormBits checks that the fused adaLN LayerNorm gives
// the same bits as this backend's LayerNorm fast path followed by Affine,
// Mul and Add, for per-batch, shared, per-token and f16 parameters, odd
// feature counts and several thread counts; the float64 reference is the
// conformance suite's (backendtest, modulated_layernorm).
func TestModulatedLayerNormBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, threads := range []int{1, 3} {
		bk := New(threads)
		c := bk.newContext()
		composed := func(x, sh, sc backend.Tensor) []float32 {
			y := c.Binary(backend.Mul, c.LayerNorm(x, nil, nil, 1e-6), c.Affine(sc, 1, 1))
			return bk.Float32(c.Binary(backend.Add, y, sh))
		}
		for _, tc := range []struct{ x, p []int }{
			{[]int{2, 7, 192}, []int{2, 1, 192}},
			{[]int{1, 501, 192}, []int{1, 1, 192}},
			{[]int{3, 4, 33}, []int{33}},
			{[]int{2, 3, 17}, []int{2, 3, 17}},
			{[]int{5, 40}, []int{1, 40}},
			{[]int{2, 3, 8}, []int{2, 3, 1}}, // broadcast last axis: composed path
		} {
			x := coreRand(rng, backend.NumElements(tc.x), 3)
			for i := range x {
				x[i] += 0.7
			}
			n := backend.NumElements(tc.p)
			sh, sc := c.Constant(coreRand(rng, n, 1), tc.p...), c.Constant(coreRand(rng, n, 1), tc.p...)
			xt := c.Constant(x, tc.x...)
			name := fmt.Sprintf("threads=%d x%v p%v", threads, tc.x, tc.p)
			coreSame(t, name, bk.Float32(c.ModulatedLayerNorm(xt, sh, sc, 1e-6)),
				composed(xt, sh, sc))
			if tc.p[len(tc.p)-1] > 1 {
				hs, _ := coreHalf(t, bk, backend.F16, coreRand(rng, n, 1), tc.p...)
				coreSame(t, name+" f16 scale", bk.Float32(c.ModulatedLayerNorm(xt, sh, hs, 1e-6)),
					composed(xt, sh, hs))
			}
		}
		c.Reset()
		bk.Close()
	}
}
