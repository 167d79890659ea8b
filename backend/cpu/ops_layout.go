package cpu

import (
	"fmt"
	"slices"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

// Reshape returns a view of a with a new shape: the result shares a's
// storage (F16/BF16 stay raw). One dimension may be -1 and is inferred.
func (c *Context) Reshape(a backend.Tensor, shape ...int) backend.Tensor {
	t := tensorOf("Reshape", a)
	shape = slices.Clone(shape)
	infer, known := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			backend.ShapePanic("Reshape", fmt.Sprintf("invalid target shape %v", shape), a)
		default:
			known *= d
		}
	}
	n := t.Len()
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			backend.ShapePanic("Reshape", fmt.Sprintf("cannot infer -1 in %v", shape), a)
		}
		shape[infer] = n / known
	} else if known != n {
		backend.ShapePanic("Reshape", fmt.Sprintf("%d elements do not fit shape %v", n, shape), a)
	}
	return &Tensor{shape: shape, dtype: t.dtype, data: t.data, raw: t.raw}
}

// Permute reorders the axes; out.shape[i] = a.shape[axes[i]].
func (c *Context) Permute(a backend.Tensor, axes ...int) backend.Tensor {
	shape := a.Shape()
	r := len(shape)
	if len(axes) != r {
		backend.ShapePanic("Permute", fmt.Sprintf("%d axes for rank %d", len(axes), r), a)
	}
	seen := make([]bool, r)
	oshape := make([]int, r)
	istr := make([]int, r) // input stride of each output axis
	q := -1                // the output axis that is the input's last
	for i, ax := range axes {
		ax = backend.NormAxis("Permute", ax, r)
		if ax == r-1 {
			q = i
		}
		if seen[ax] {
			backend.ShapePanic("Permute", fmt.Sprintf("axes %v repeat an axis", axes), a)
		}
		seen[ax] = true
		oshape[i] = shape[ax]
		istr[i] = backend.NumElements(shape[ax+1:])
	}
	src := c.f32("Permute", a)
	out := c.newTensor(oshape...)
	if len(src) == 0 {
		return out
	}
	if r == 0 {
		out.data[0] = src[0]
		return out
	}
	inner, is := oshape[r-1], istr[r-1]
	if is != 1 && oshape[q] >= 8 {
		c.permuteTiled(out.data, src, oshape, istr, q)
		return out
	}
	rows := len(src) / inner
	c.b.parallelFor(rows, max(1, elemGrain/inner), func(lo, hi int) {
		for row := lo; row < hi; row++ {
			off := 0
			for d, x := r-2, row; d >= 0; d-- {
				off += (x % oshape[d]) * istr[d]
				x /= oshape[d]
			}
			dst := out.data[row*inner : (row+1)*inner]
			if is == 1 {
				copy(dst, src[off:off+inner])
				continue
			}
			for i := range dst {
				dst[i] = src[off+i*is]
			}
		}
	})
	return out
}

// permuteTiled is Permute when the output's last axis is strided in the
// input: for every combination of the other axes it copies the plane
// spanned by output axis q (contiguous in the input) and the last output
// axis in permuteTile×permuteTile blocks, so that both sides stay in cache
// (also for a short last axis, such as the factor axis of DepthToSpace,
// where it computes one offset per block instead of one per output row).
// Reference loop (istr: input stride of each output axis):
//
//	for each output multi-index o {
//		dst[flat(o)] = src[Σ_d o[d]·istr[d]]
//	}
func (c *Context) permuteTiled(dst, src []float32, oshape, istr []int, q int) {
	const permuteTile = 32
	r := len(oshape)
	inner, is, nq := oshape[r-1], istr[r-1], oshape[q]
	ostr := make([]int, r)
	for d := range ostr {
		ostr[d] = backend.NumElements(oshape[d+1:])
	}
	planes := len(src) / (nq * inner)
	qTiles := (nq + permuteTile - 1) / permuteTile
	c.b.parallelFor(planes*qTiles, max(1, elemGrain/(permuteTile*inner)), func(lo, hi int) {
		for u := lo; u < hi; u++ {
			p, qt := u/qTiles, u%qTiles
			ioff, ooff := 0, 0
			for d := r - 2; d >= 0; d-- {
				if d == q {
					continue
				}
				i := p % oshape[d]
				p /= oshape[d]
				ioff += i * istr[d]
				ooff += i * ostr[d]
			}
			q0, q1 := qt*permuteTile, min(nq, (qt+1)*permuteTile)
			for j0 := 0; j0 < inner; j0 += permuteTile {
				j1 := min(inner, j0+permuteTile)
				for iq := q0; iq < q1; iq++ {
					d := dst[ooff+iq*ostr[q]+j0 : ooff+iq*ostr[q]+j1]
					s := ioff + iq + j0*is
					for j := range d {
						d[j] = src[s+j*is]
					}
				}
			}
		}
	})
}

// Slice keeps indices [start, end) of axis; negative axis counts from the
// end, start and end must satisfy 0 <= start <= end <= dim.
func (c *Context) Slice(a backend.Tensor, axis, start, end int) backend.Tensor {
	shape := a.Shape()
	axis = backend.NormAxis("Slice", axis, len(shape))
	if start < 0 || end < start || end > shape[axis] {
		backend.ShapePanic("Slice", fmt.Sprintf("range [%d, %d) outside axis %d of size %d", start, end, axis, shape[axis]), a)
	}
	outer, n, inner := splitAxis(shape, axis)
	src := c.f32("Slice", a)
	oshape := slices.Clone(shape)
	oshape[axis] = end - start
	out := c.newTensor(oshape...)
	w := (end - start) * inner
	c.b.parallelFor(outer, max(1, elemGrain/max(1, w)), func(lo, hi int) {
		for o := lo; o < hi; o++ {
			copy(out.data[o*w:(o+1)*w], src[(o*n+start)*inner:])
		}
	})
	return out
}

// Concat joins tensors of equal shape except along axis.
func (c *Context) Concat(axis int, ts ...backend.Tensor) backend.Tensor {
	if len(ts) == 0 {
		panic("cpu.Concat: no tensors")
	}
	first := ts[0].Shape()
	axis = backend.NormAxis("Concat", axis, len(first))
	oshape := slices.Clone(first)
	oshape[axis] = 0
	srcs := make([][]float32, len(ts))
	widths := make([]int, len(ts))
	for i, t := range ts {
		s := t.Shape()
		if len(s) != len(first) {
			backend.ShapePanic("Concat", "ranks differ", ts...)
		}
		for d := range s {
			if d != axis && s[d] != first[d] {
				backend.ShapePanic("Concat", fmt.Sprintf("axis %d differs", d), ts...)
			}
		}
		oshape[axis] += s[axis]
		srcs[i] = c.f32("Concat", t)
		widths[i] = backend.NumElements(s[axis:])
	}
	out := c.newTensor(oshape...)
	outer := backend.NumElements(first[:axis])
	w := backend.NumElements(oshape[axis:])
	c.b.parallelFor(outer, max(1, elemGrain/max(1, w)), func(lo, hi int) {
		for o := lo; o < hi; o++ {
			dst := out.data[o*w : (o+1)*w]
			for i, src := range srcs {
				n := copy(dst, src[o*widths[i]:(o+1)*widths[i]])
				dst = dst[n:]
			}
		}
	})
	return out
}

// Pad adds before[i] and after[i] elements to axis i (nil means zeros).
// PadReflect needs before[i], after[i] < shape[i].
func (c *Context) Pad(a backend.Tensor, before, after []int, mode backend.PadMode, value float32) backend.Tensor {
	shape := a.Shape()
	r := len(shape)
	if before == nil {
		before = make([]int, r)
	}
	if after == nil {
		after = make([]int, r)
	}
	if len(before) != r || len(after) != r {
		backend.ShapePanic("Pad", fmt.Sprintf("padding %v/%v for rank %d", before, after, r), a)
	}
	oshape := make([]int, r)
	for d := range shape {
		if before[d] < 0 || after[d] < 0 {
			backend.ShapePanic("Pad", fmt.Sprintf("negative padding %v/%v", before, after), a)
		}
		if (before[d] > 0 || after[d] > 0) && mode != backend.PadConstant && shape[d] == 0 {
			backend.ShapePanic("Pad", "cannot replicate or reflect an empty axis", a)
		}
		if mode == backend.PadReflect && (before[d] >= shape[d] || after[d] >= shape[d]) && (before[d] > 0 || after[d] > 0) {
			backend.ShapePanic("Pad", fmt.Sprintf("reflect padding %v/%v must be smaller than the axes", before, after), a)
		}
		if mode > backend.PadReflect {
			panic("cpu.Pad: invalid mode")
		}
		oshape[d] = shape[d] + before[d] + after[d]
	}
	src := c.f32("Pad", a)
	out := c.newTensor(oshape...)
	if len(out.data) == 0 {
		return out
	}
	if r == 0 {
		out.data[0] = src[0]
		return out
	}
	inner := oshape[r-1]
	rows := len(out.data) / inner
	c.b.parallelFor(rows, max(1, elemGrain/inner), func(lo, hi int) {
		for row := lo; row < hi; row++ {
			dst := out.data[row*inner : (row+1)*inner]
			off, inside := 0, true
			stride := shape[r-1]
			for d, x := r-2, row; d >= 0; d-- {
				j, ok := padSource(x%oshape[d]-before[d], shape[d], mode)
				inside = inside && ok
				off += j * stride
				stride *= shape[d]
				x /= oshape[d]
			}
			if !inside {
				for i := range dst {
					dst[i] = value
				}
				continue
			}
			padRow(dst, src[off:off+shape[r-1]], before[r-1], mode, value)
		}
	})
	return out
}

// padSource maps output coordinate i (relative to the start of the input
// along an axis of size n) to an input index; ok is false for PadConstant
// positions outside the input.
func padSource(i, n int, mode backend.PadMode) (int, bool) {
	if i >= 0 && i < n {
		return i, true
	}
	switch mode {
	case backend.PadReplicate:
		return min(max(i, 0), n-1), true
	case backend.PadReflect:
		if i < 0 {
			return -i, true
		}
		return 2*(n-1) - i, true
	}
	return 0, false
}

// padRow fills dst with row shifted right by before, padding both ends as
// mode says. Reference loop:
//
//	for i := range dst {
//		j, ok := padSource(i-before, len(row), mode)
//		dst[i] = row[j] if ok, else value
//	}
func padRow(dst, row []float32, before int, mode backend.PadMode, value float32) {
	copy(dst[before:], row)
	n := len(row)
	for i := range before {
		if j, ok := padSource(i-before, n, mode); ok {
			dst[i] = row[j]
		} else {
			dst[i] = value
		}
	}
	for i := before + n; i < len(dst); i++ {
		if j, ok := padSource(i-before, n, mode); ok {
			dst[i] = row[j]
		} else {
			dst[i] = value
		}
	}
}

// Embedding gathers rows ids of table [V, D] into [len(ids), D]; F16/BF16
// tables are widened row by row. An id outside [0, V) panics with a
// *backend.ShapeError.
func (c *Context) Embedding(table backend.Tensor, ids []int) backend.Tensor {
	t := tensorOf("Embedding", table)
	if len(t.shape) != 2 {
		backend.ShapePanic("Embedding", "table must be [V, D]", table)
	}
	v, d := t.shape[0], t.shape[1]
	for i, id := range ids {
		if id < 0 || id >= v {
			backend.ShapePanic("Embedding", fmt.Sprintf("id %d at position %d out of range [0, %d)", id, i, v), table)
		}
	}
	out := c.newTensor(len(ids), d)
	c.b.parallelFor(len(ids), max(1, elemGrain/max(1, d)), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dst, id := out.data[i*d:(i+1)*d], ids[i]
			switch t.dtype {
			case backend.F32:
				copy(dst, t.data[id*d:])
			case backend.F16:
				half.F16ToF32(dst, t.raw[2*id*d:])
			case backend.BF16:
				half.BF16ToF32(dst, t.raw[2*id*d:])
			}
		}
	})
	return out
}
