package cpu

import (
	"math"

	"github.com/lockstep-av/lockstep/backend"
)

var (
	_ backend.LayerNormer = (*Context)(nil)
	_ backend.RMSNormer   = (*Context)(nil)
	_ backend.GroupNormer = (*Context)(nil)
	_ backend.PixelNormer = (*Context)(nil)
)

// vecParam returns the values of an optional per-feature parameter of
// length d (nil stays nil), widening F16/BF16.
func (c *Context) vecParam(op string, p backend.Tensor, d int, x backend.Tensor) []float32 {
	if p == nil {
		return nil
	}
	if tensorOf(op, p).Len() != d {
		backend.ShapePanic(op, "parameter length does not match the normalised axis", x, p)
	}
	return c.f32(op, p)
}

// LayerNorm is (x - mean)/√(var + eps)·w + b over the last axis (biased
// variance), one row per task: mean and variance are accumulated in
// float64 over the row in a fixed lane order (kernel_norm.go), then the
// row is written once.
func (c *Context) LayerNorm(x, w, b backend.Tensor, eps float32) backend.Tensor {
	d := lastAxis("LayerNorm", x)
	wv, bv := c.vecParam("LayerNorm", w, d, x), c.vecParam("LayerNorm", b, d, x)
	return c.normRows("LayerNorm", x, d, func(dst, row []float32) {
		mean, rstd := meanRstd(row, eps)
		normRow(dst, row, float32(mean), rstd, wv, bv)
	})
}

// lastAxis returns the length of x's last axis (the normalised one),
// panicking on a scalar.
func lastAxis(op string, x backend.Tensor) int {
	shape := x.Shape()
	if len(shape) == 0 {
		backend.ShapePanic(op, "scalar input", x)
	}
	return shape[len(shape)-1]
}

// normRows returns a new tensor of x's shape whose rows of d (the last
// axis) are norm(dst, row) of x's rows, one row per task.
func (c *Context) normRows(op string, x backend.Tensor, d int, norm func(dst, row []float32)) backend.Tensor {
	src := c.f32(op, x)
	out := c.newTensor(x.Shape()...)
	if d == 0 {
		return out
	}
	c.b.parallelFor(len(src)/d, max(1, elemGrain/d), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			norm(out.data[r*d:(r+1)*d], src[r*d:(r+1)*d])
		}
	})
	return out
}

// RMSNorm is x/√(mean(x²) + eps)·w over the last axis, one row per task
// (sum of squares in float64).
func (c *Context) RMSNorm(x, w backend.Tensor, eps float32) backend.Tensor {
	d := lastAxis("RMSNorm", x)
	wv := c.vecParam("RMSNorm", w, d, x)
	return c.normRows("RMSNorm", x, d, func(dst, row []float32) {
		normRow(dst, row, 0, rmsScale(row, eps), wv, nil)
	})
}

// GroupNorm normalises each of groups channel groups of x [N, C, ...]
// (with all trailing axes) and applies per-channel w and b ([C], may be
// nil). One group per task; statistics in float64.
func (c *Context) GroupNorm(x backend.Tensor, groups int, w, b backend.Tensor, eps float32) backend.Tensor {
	shape := x.Shape()
	if len(shape) < 2 || groups <= 0 || shape[1]%groups != 0 {
		backend.ShapePanic("GroupNorm", "channels not divisible into groups", x)
	}
	ch := shape[1]
	wv, bv := c.vecParam("GroupNorm", w, ch, x), c.vecParam("GroupNorm", b, ch, x)
	src := c.f32("GroupNorm", x)
	out := c.newTensor(shape...)
	spatial := backend.NumElements(shape[2:])
	cg := ch / groups
	gsize := cg * spatial
	if gsize == 0 {
		return out
	}
	c.b.parallelFor(shape[0]*groups, max(1, elemGrain/gsize), func(lo, hi int) {
		for g := lo; g < hi; g++ {
			grp := src[g*gsize : (g+1)*gsize]
			mean, rstd := meanRstd(grp, eps)
			c0 := (g % groups) * cg
			for ci := range cg {
				sc, sh := rstd, float32(0)
				if wv != nil {
					sc = rstd * wv[c0+ci]
				}
				if bv != nil {
					sh = bv[c0+ci]
				}
				off := ci * spatial
				dst := out.data[g*gsize+off : g*gsize+off+spatial]
				m := float32(mean)
				for i, v := range grp[off : off+spatial] {
					dst[i] = (v-m)*sc + sh
				}
			}
		}
	})
	return out
}

// PixelNorm is x/√(mean(x²) + eps) along axis.
func (c *Context) PixelNorm(x backend.Tensor, axis int, eps float32) backend.Tensor {
	shape := x.Shape()
	axis = backend.NormAxis("PixelNorm", axis, len(shape))
	outer, n, inner := splitAxis(shape, axis)
	src := c.f32("PixelNorm", x)
	out := c.newTensor(shape...)
	if n == 0 || len(src) == 0 {
		return out
	}
	blocks := (inner + reduceBlock - 1) / reduceBlock
	c.b.parallelFor(outer*blocks, max(1, elemGrain/(n*min(inner, reduceBlock))), func(lo, hi int) {
		var acc [reduceBlock]float64
		for u := lo; u < hi; u++ {
			o, i0 := u/blocks, (u%blocks)*reduceBlock
			w := min(reduceBlock, inner-i0)
			base := o*n*inner + i0
			pixelNormKernel(out.data[base:], src[base:], n, inner, w, eps, acc[:w])
		}
	})
	return out
}

// pixelNormKernel normalises w columns of n rows with stride ld by their
// root mean square, using sq as scratch. Reference loop:
//
//	for i := range w {
//		s := 1/√(Σ_j src[j*ld+i]²/n + eps)
//		for j := range n {
//			dst[j*ld+i] = src[j*ld+i] * s
//		}
//	}
func pixelNormKernel(dst, src []float32, n, ld, w int, eps float32, sq []float64) {
	clear(sq)
	for j := range n {
		for i, v := range src[j*ld : j*ld+w] {
			sq[i] += float64(v) * float64(v)
		}
	}
	var sc [reduceBlock]float32
	for i, q := range sq {
		sc[i] = float32(1 / math.Sqrt(q/float64(n)+float64(eps)))
	}
	for j := range n {
		d := dst[j*ld : j*ld+w]
		for i, v := range src[j*ld : j*ld+w] {
			d[i] = v * sc[i]
		}
	}
}
