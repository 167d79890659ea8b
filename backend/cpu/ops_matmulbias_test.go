package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// TestMatMulBias checks MatMulBias against MatMul then Add on this
// backend: bit for bit for linear-layer shapes (a [.., M, K] times a
// transposed F32, F16 or BF16 weight, K within one GEMM k block), within
// float32 rounding for a long K, and for batched operands (which take the
// composed path), on 1 and 3 threads; a bias of the wrong length panics
// with a ShapeError.
func TestMatMulBias(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	for _, threads := range []int{1, 3} {
		bk := New(threads)
		c := bk.newContext()
		for _, tc := range []struct {
			a, b   []int
			transB bool
			dt     backend.DType
		}{
			{[]int{1, 501, 192}, []int{768, 192}, true, backend.F16},
			{[]int{2, 7, 33}, []int{45, 33}, true, backend.F32},
			{[]int{53, 192}, []int{192, 768}, false, backend.BF16},
			{[]int{5, 64}, []int{3, 64}, true, backend.F32},
			{[]int{3, 20, 1500}, []int{17, 1500}, true, backend.F32},
			{[]int{2, 6, 16}, []int{2, 16, 24}, false, backend.F32}, // batched B: composed path
		} {
			name := fmt.Sprintf("threads=%d a%v b%v tB=%v %v", threads, tc.a, tc.b, tc.transB, tc.dt)
			a := c.Constant(coreRand(rng, backend.NumElements(tc.a), 1), tc.a...)
			var b backend.Tensor
			if tc.dt == backend.F32 {
				b = c.Constant(coreRand(rng, backend.NumElements(tc.b), 1), tc.b...)
			} else {
				b, _ = coreHalf(t, bk, tc.dt, coreRand(rng, backend.NumElements(tc.b), 1), tc.b...)
			}
			n := tc.b[len(tc.b)-1]
			if tc.transB {
				n = tc.b[len(tc.b)-2]
			}
			bias := c.Constant(coreRand(rng, n, 1), n)
			got := bk.Float32(c.MatMulBias(a, b, bias, false, tc.transB))
			want := bk.Float32(c.Binary(backend.Add, c.MatMul(a, b, false, tc.transB), bias))
			if k := tc.a[len(tc.a)-1]; k <= 256 {
				coreSame(t, name, got, want)
				continue
			}
			for i := range got {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*(1+math.Abs(float64(want[i]))) {
					t.Fatalf("%s: [%d] = %g, MatMul then Add %g", name, i, got[i], want[i])
				}
			}
		}
		coreShapePanic(t, "short bias", func() {
			c.MatMulBias(c.Zeros(2, 4), c.Zeros(3, 4), c.Zeros(2), false, true)
		})
		c.Reset()
		bk.Close()
	}
}
