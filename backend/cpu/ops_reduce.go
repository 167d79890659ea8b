package cpu

import (
	"github.com/lockstep-av/lockstep/backend"
)

// reduceBlock is how many inner (strided) positions one work unit reduces
// side by side.
const reduceBlock = 256

// splitAxis views shape as [outer, n, inner] around axis.
func splitAxis(shape []int, axis int) (outer, n, inner int) {
	return backend.NumElements(shape[:axis]), shape[axis], backend.NumElements(shape[axis+1:])
}

// Reduce reduces a along axis. Sum and Mean accumulate in float64 in index
// order and round once; Max and Min propagate NaN like PyTorch. Reducing an
// empty axis gives 0 (Sum), NaN (Mean) and panics for Max and Min.
func (c *Context) Reduce(op backend.ReduceOp, a backend.Tensor, axis int, keepDim bool) backend.Tensor {
	shape := a.Shape()
	axis = backend.NormAxis("Reduce", axis, len(shape))
	if op > backend.Min {
		panic("cpu.Reduce: invalid op")
	}
	outer, n, inner := splitAxis(shape, axis)
	if n == 0 && (op == backend.Max || op == backend.Min) {
		backend.ShapePanic("Reduce", "max/min of an empty axis", a)
	}
	src := c.f32("Reduce", a)
	var oshape []int
	oshape = append(oshape, shape[:axis]...)
	if keepDim {
		oshape = append(oshape, 1)
	}
	oshape = append(oshape, shape[axis+1:]...)
	out := c.newTensor(oshape...)
	blocks := (inner + reduceBlock - 1) / reduceBlock
	c.b.parallelFor(outer*blocks, max(1, elemGrain/max(1, n*min(inner, reduceBlock))), func(lo, hi int) {
		var acc [reduceBlock]float64
		for u := lo; u < hi; u++ {
			o, i0 := u/blocks, (u%blocks)*reduceBlock
			w := min(reduceBlock, inner-i0)
			reduceKernel(op, out.data[o*inner+i0:o*inner+i0+w], src[o*n*inner+i0:], n, inner, acc[:w])
		}
	})
	return out
}

// reduceKernel reduces n rows of stride ld into dst (len(dst) columns),
// using acc (same length) as float64 scratch. Reference loop:
//
//	for i := range dst {
//		s := identity(op)
//		for j := range n {
//			s = op(s, src[j*ld+i])
//		}
//		dst[i] = s (/ n for Mean)
//	}
func reduceKernel(op backend.ReduceOp, dst, src []float32, n, ld int, acc []float64) {
	w := len(dst)
	switch op {
	case backend.Sum, backend.Mean:
		if w == 1 && ld == 1 {
			var s float64
			for _, x := range src[:n] {
				s += float64(x)
			}
			acc[0] = s
		} else {
			clear(acc)
			for j := range n {
				row := src[j*ld : j*ld+w]
				for i, x := range row {
					acc[i] += float64(x)
				}
			}
		}
		for i, v := range acc[:w] {
			if op == backend.Mean {
				v /= float64(n)
			}
			dst[i] = float32(v)
		}
	case backend.Max, backend.Min:
		copy(dst, src[:w])
		for j := 1; j < n; j++ {
			row := src[j*ld : j*ld+w]
			if op == backend.Max {
				for i, x := range row {
					dst[i] = max(dst[i], x)
				}
			} else {
				for i, x := range row {
					dst[i] = min(dst[i], x)
				}
			}
		}
	}
}

// Softmax normalises exp(a - max) along axis. The exponentials are
// computed in float64 by expAcc (from the exact difference x - max) and summed in
// float64 in index order.
func (c *Context) Softmax(a backend.Tensor, axis int) backend.Tensor {
	shape := a.Shape()
	axis = backend.NormAxis("Softmax", axis, len(shape))
	outer, n, inner := splitAxis(shape, axis)
	src := c.f32("Softmax", a)
	out := c.newTensor(shape...)
	if len(out.data) == 0 {
		return out
	}
	blocks := (inner + reduceBlock - 1) / reduceBlock
	c.b.parallelFor(outer*blocks, max(1, elemGrain/(8*n*min(inner, reduceBlock))), func(lo, hi int) {
		var acc [reduceBlock]float64
		var mx [reduceBlock]float32
		for u := lo; u < hi; u++ {
			o, i0 := u/blocks, (u%blocks)*reduceBlock
			w := min(reduceBlock, inner-i0)
			base := o*n*inner + i0
			softmaxKernel(out.data[base:], src[base:], n, inner, w, mx[:w], acc[:w])
		}
	})
	return out
}

// softmaxKernel normalises w columns of n rows with stride ld, using mx
// and sum as scratch. Reference loop:
//
//	for i := range w {
//		m := max over j of src[j*ld+i]
//		s := Σ_j exp(src[j*ld+i] - m)
//		for j := range n {
//			dst[j*ld+i] = exp(src[j*ld+i] - m) / s
//		}
//	}
func softmaxKernel(dst, src []float32, n, ld, w int, mx []float32, sum []float64) {
	copy(mx, src[:w])
	for j := 1; j < n; j++ {
		for i, x := range src[j*ld : j*ld+w] {
			mx[i] = max(mx[i], x)
		}
	}
	clear(sum)
	for j := range n {
		d := dst[j*ld : j*ld+w]
		for i, x := range src[j*ld : j*ld+w] {
			e := expAcc(float64(x) - float64(mx[i]))
			sum[i] += e
			d[i] = float32(e)
		}
	}
	for i := range sum {
		sum[i] = 1 / sum[i]
	}
	for j := range n {
		d := dst[j*ld : j*ld+w]
		for i := range d {
			d[i] = float32(float64(d[i]) * sum[i])
		}
	}
}
