package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// TestNormFastPaths compares each fused norm with the composed version
// (backend.WithoutFastPaths, built from this backend's core ops) and with
// a float64 reference.
func TestNormFastPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	bk := New(3)
	c := bk.newContext()
	plain := backend.WithoutFastPaths(c)
	const eps = 1e-5
	for _, shape := range [][]int{{7, 33}, {2, 5, 64}, {1, 1000}, {300, 3}} {
		d := shape[len(shape)-1]
		x := coreRand(rng, backend.NumElements(shape), 3)
		for i := range x {
			x[i] += 1.5 // an offset makes the mean matter
		}
		wv, bv := coreRand(rng, d, 2), coreRand(rng, d, 1)
		xt := c.Constant(x, shape...)
		params := []struct {
			name string
			w, b backend.Tensor
			wv   []float32
		}{
			{"nil", nil, nil, nil},
			{"f32", c.Constant(wv, d), c.Constant(bv, d), wv},
		}
		h, hv := coreHalf(t, bk, backend.BF16, wv, d)
		hb, hbv := coreHalf(t, bk, backend.F16, bv, d)
		params = append(params, struct {
			name string
			w, b backend.Tensor
			wv   []float32
		}{"half", h, hb, hv})
		for _, p := range params {
			bb := bv
			if p.name == "half" {
				bb = hbv
			}
			name := fmt.Sprintf("%v %s", shape, p.name)
			// float64 references.
			ln := make([]float64, len(x))
			rms := make([]float64, len(x))
			for r := range len(x) / d {
				row := x[r*d : (r+1)*d]
				var s, q, q2 float64
				for _, v := range row {
					s += float64(v)
					q2 += float64(v) * float64(v)
				}
				mean := s / float64(d)
				for _, v := range row {
					q += (float64(v) - mean) * (float64(v) - mean)
				}
				rs, rr := 1/math.Sqrt(q/float64(d)+eps), 1/math.Sqrt(q2/float64(d)+eps)
				for i, v := range row {
					w, b := 1.0, 0.0
					if p.w != nil {
						w, b = float64(p.wv[i]), float64(bb[i])
					}
					ln[r*d+i] = (float64(v)-mean)*rs*w + b
					rms[r*d+i] = float64(v) * rr * w
				}
			}
			fast := bk.Float32(backend.LayerNorm(c, xt, p.w, p.b, eps))
			coreCheck(t, "LayerNorm fused "+name, fast, ln, 2e-6, 2e-6)
			coreCheck(t, "LayerNorm composed "+name, bk.Float32(backend.LayerNorm(plain, xt, p.w, p.b, eps)), coreF64(fast), 2e-6, 2e-6)
			fast = bk.Float32(backend.RMSNorm(c, xt, p.w, eps))
			coreCheck(t, "RMSNorm fused "+name, fast, rms, 1e-6, 1e-6)
			coreCheck(t, "RMSNorm composed "+name, bk.Float32(backend.RMSNorm(plain, xt, p.w, eps)), coreF64(fast), 1e-6, 1e-6)
		}
	}
	for _, tc := range []struct {
		shape  []int
		groups int
	}{{[]int{2, 6, 5}, 3}, {[]int{1, 8, 4, 4}, 2}, {[]int{3, 4}, 4}, {[]int{2, 32, 3, 5, 7}, 8}} {
		x := coreRand(rng, backend.NumElements(tc.shape), 2)
		ch := tc.shape[1]
		w, b := c.Constant(coreRand(rng, ch, 2), ch), c.Constant(coreRand(rng, ch, 1), ch)
		xt := c.Constant(x, tc.shape...)
		for _, wb := range [][2]backend.Tensor{{nil, nil}, {w, b}} {
			name := fmt.Sprintf("GroupNorm %v/%d affine=%v", tc.shape, tc.groups, wb[0] != nil)
			fast := bk.Float32(backend.GroupNorm(c, xt, tc.groups, wb[0], wb[1], eps))
			coreCheck(t, name, bk.Float32(backend.GroupNorm(plain, xt, tc.groups, wb[0], wb[1], eps)), coreF64(fast), 2e-6, 2e-6)
		}
	}
	for _, tc := range []struct {
		shape []int
		axis  int
	}{{[]int{2, 8, 3, 3}, 1}, {[]int{5, 16}, -1}, {[]int{3, 4, 300}, 1}, {[]int{4, 5}, 0}} {
		x := coreRand(rng, backend.NumElements(tc.shape), 2)
		xt := c.Constant(x, tc.shape...)
		ax := backend.NormAxis("", tc.axis, len(tc.shape))
		outer, n, inner := splitAxis(tc.shape, ax)
		want := make([]float64, len(x))
		for o := range outer {
			for i := range inner {
				var q float64
				for j := range n {
					v := float64(x[(o*n+j)*inner+i])
					q += v * v
				}
				for j := range n {
					k := (o*n+j)*inner + i
					want[k] = float64(x[k]) / math.Sqrt(q/float64(n)+eps)
				}
			}
		}
		name := fmt.Sprintf("PixelNorm %v axis %d", tc.shape, tc.axis)
		fast := bk.Float32(backend.PixelNorm(c, xt, tc.axis, eps))
		coreCheck(t, name, fast, want, 1e-6, 1e-6)
		coreCheck(t, name+" composed", bk.Float32(backend.PixelNorm(plain, xt, tc.axis, eps)), coreF64(fast), 1e-6, 1e-6)
	}
	coreShapePanic(t, "GroupNorm groups", func() { c.GroupNorm(c.Zeros(1, 6, 2), 4, nil, nil, eps) })
	coreShapePanic(t, "LayerNorm weight", func() { c.LayerNorm(c.Zeros(2, 6), c.Zeros(5), nil, eps) })
}
