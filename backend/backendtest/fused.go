package backendtest

import (
	"math"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// testModulatedLayerNorm checks backend.ModulatedLayerNorm, on the
// backend's fast path and on the composed layers, against a float64
// reference of LayerNorm(x)·(1 + scale) + shift for the parameter shapes
// adaLN uses ([B, 1, D] per batch, [1, 1, D] and [D] shared, [B, S, D]
// per token) and one the fast paths may hand to the composed path (a
// broadcast last axis), with a feature count that is not a multiple of 16.
func testModulatedLayerNorm(t *testing.T, b backend.Backend) {
	const B, S, D, eps = 2, 5, 40, 1e-6
	xs := []int{B, S, D}
	x := randData(21, B*S*D, 2)
	for i := range x {
		x[i] += 0.5
	}
	for _, ps := range [][]int{{B, 1, D}, {1, 1, D}, {D}, {B, S, D}, {B, S, 1}} {
		shift := randData(22, backend.NumElements(ps), 0.5)
		scale := randData(23, backend.NumElements(ps), 0.5)
		want := make([]float32, len(x))
		for r := range B * S {
			row := x[r*D : (r+1)*D]
			var s, q float64
			for _, v := range row {
				s += float64(v)
			}
			mean := s / D
			for _, v := range row {
				q += (float64(v) - mean) * (float64(v) - mean)
			}
			rstd := 1 / math.Sqrt(q/D+eps)
			for j, v := range row {
				pi := paramIndex(r*D+j, xs, ps)
				want[r*D+j] = float32((float64(v)-mean)*rstd*(1+float64(scale[pi])) + float64(shift[pi]))
			}
		}
		for _, composed := range []bool{false, true} {
			ctx := b.NewContext()
			c := ctx
			if composed {
				c = backend.WithoutFastPaths(ctx)
			}
			var got []float32
			guard(t, func() {
				y := backend.ModulatedLayerNorm(c, c.Constant(x, xs...), c.Constant(shift, ps...), c.Constant(scale, ps...), eps)
				if s := y.Shape(); len(s) != 3 || s[0] != B || s[1] != S || s[2] != D {
					t.Fatalf("params %v: shape %v, want %v", ps, s, xs)
				}
				got = b.Float32(y)
			})
			ctx.Reset()
			const tolAbs, tolRel = 1e-5, 1e-5
			if st := compare(got, want, tolAbs, tolRel); st.bad > 0 {
				t.Errorf("params %v composed=%v: %s", ps, composed, st.describe(got, want, xs, tolAbs, tolRel))
			}
		}
	}
}

// paramIndex returns the index in a parameter of shape ps (broadcast
// against xs, aligned at the last axis) of element i of xs.
func paramIndex(i int, xs, ps []int) int {
	idx, stride := 0, 1
	for a := len(xs) - 1; a >= 0; a-- {
		c := i % xs[a]
		i /= xs[a]
		if pa := a - (len(xs) - len(ps)); pa >= 0 {
			if ps[pa] != 1 {
				idx += c * stride
			}
			stride *= ps[pa]
		}
	}
	return idx
}

// testMatMulBias checks backend.MatMulBias, on the fast path and on the
// composed layers, against a float64 reference of a·bᵀ + bias for a
// linear layer's operands (x [B, S, K] against a weight [N, K]) and
// against plain products with batched operands, with and without a bias.
func testMatMulBias(t *testing.T, b backend.Backend) {
	for _, tc := range []struct {
		a, w   []int
		transB bool
		bias   bool
	}{
		{[]int{2, 5, 24}, []int{40, 24}, true, true},
		{[]int{7, 33}, []int{33, 17}, false, true},
		{[]int{2, 3, 8}, []int{2, 8, 6}, false, true},
		{[]int{4, 9}, []int{9, 5}, false, false},
	} {
		av := randData(31, backend.NumElements(tc.a), 1)
		wv := randData(32, backend.NumElements(tc.w), 1)
		m, k := tc.a[len(tc.a)-2], tc.a[len(tc.a)-1]
		n := tc.w[len(tc.w)-1]
		if tc.transB {
			n = tc.w[len(tc.w)-2]
		}
		bv := randData(33, n, 1)
		batches := backend.NumElements(tc.a[:len(tc.a)-2])
		wBatched := len(tc.w) > 2
		want := make([]float32, batches*m*n)
		for bi := range batches {
			for i := range m {
				for j := range n {
					var s float64
					for p := range k {
						wo := 0
						if wBatched {
							wo = bi * k * n
						}
						wij := wv[wo+p*n+j]
						if tc.transB {
							wij = wv[wo+j*k+p]
						}
						s += float64(av[(bi*m+i)*k+p]) * float64(wij)
					}
					if tc.bias {
						s += float64(bv[j])
					}
					want[(bi*m+i)*n+j] = float32(s)
				}
			}
		}
		for _, composed := range []bool{false, true} {
			ctx := b.NewContext()
			c := ctx
			if composed {
				c = backend.WithoutFastPaths(ctx)
			}
			var got []float32
			guard(t, func() {
				var bias backend.Tensor
				if tc.bias {
					bias = c.Constant(bv, n)
				}
				got = b.Float32(backend.MatMulBias(c, c.Constant(av, tc.a...), c.Constant(wv, tc.w...), bias, false, tc.transB))
			})
			ctx.Reset()
			const tolAbs, tolRel = 1e-5, 1e-5
			if st := compare(got, want, tolAbs, tolRel); st.bad > 0 {
				t.Errorf("a %v w %v transB=%v bias=%v composed=%v: %s", tc.a, tc.w, tc.transB, tc.bias, composed,
					st.describe(got, want, []int{len(want)}, tolAbs, tolRel))
			}
		}
	}
}
