package cpu

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
)

var _ backend.RoPEer = (*Context)(nil)

// RoPE rotates feature pairs of x [..., S, D] by the angles whose cosines
// and sines are cos and sin [S, D/2] (or any shape [..., S, D/2] that
// broadcasts over x's leading axes). Pair j is (j, j+D/2) for
// RoPESplitHalf and (2j, 2j+1) for RoPEInterleaved:
//
//	out[a] = x[a]·cos[j] - x[b]·sin[j]
//	out[b] = x[b]·cos[j] + x[a]·sin[j]
func (c *Context) RoPE(x, cos, sin backend.Tensor, layout backend.RoPELayout) backend.Tensor {
	xs, cs := x.Shape(), cos.Shape()
	bad := func(msg string, args ...any) {
		backend.ShapePanic("RoPE", fmt.Sprintf(msg, args...), x, cos, sin)
	}
	if len(xs) < 2 {
		bad("x must be [..., S, D]")
	}
	d := xs[len(xs)-1]
	if d%2 != 0 {
		bad("odd feature dimension %d", d)
	}
	if layout != backend.RoPESplitHalf && layout != backend.RoPEInterleaved {
		bad("unknown layout %d", layout)
	}
	if len(cs) < 1 || len(cs) > len(xs) || cs[len(cs)-1] != d/2 || !equalInts(cs, sin.Shape()) {
		bad("cos and sin must both be [..., S, %d]", d/2)
	}
	// Row strides of cos over x's rows (all axes but the last); 0 = broadcast.
	rowAxes := len(xs) - 1
	cstride := make([]int, rowAxes)
	stride := d / 2
	for a := rowAxes - 1; a >= 0; a-- {
		i := a - (len(xs) - len(cs))
		if i < 0 {
			continue
		}
		switch cs[i] {
		case xs[a]:
			if xs[a] != 1 {
				cstride[a] = stride
			}
		case 1:
		default:
			bad("cos and sin do not broadcast over x's leading axes")
		}
		stride *= cs[i]
	}
	xd := c.f32("RoPE", x)
	cd, sd := c.f32("RoPE", cos), c.f32("RoPE", sin)
	out := c.newTensor(xs...)
	rows := out.Len() / max(d, 1)
	if rows == 0 || d == 0 {
		return out
	}
	half := d / 2
	c.b.parallelFor(rows, max(1, 8192/d), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			off, rem := 0, r
			for a := rowAxes - 1; a >= 0; a-- {
				off += (rem % xs[a]) * cstride[a]
				rem /= xs[a]
			}
			ropeRow(out.data[r*d:(r+1)*d], xd[r*d:(r+1)*d], cd[off:off+half], sd[off:off+half], layout)
		}
	})
	return out
}

// ropeRow rotates one row of d features (see RoPE), each product rounded
// before the sum (no fused multiply-add); the AVX-512 loops do the whole
// vectors of pairs with the same arithmetic and the Go loops the rest.
func ropeRow(dst, x, cos, sin []float32, layout backend.RoPELayout) {
	half := len(cos)
	sin = sin[:half]
	if layout == backend.RoPESplitHalf {
		x1, x2 := x[:half], x[half:2*half]
		d1, d2 := dst[:half], dst[half:2*half]
		j0 := 0
		if ropeVector && half >= 16 {
			ropeHalfAVX512(dst[:2*half], x[:2*half], cos, sin)
			j0 = half &^ 15
		}
		for j := j0; j < half; j++ {
			a, b, cj, sj := x1[j], x2[j], cos[j], sin[j]
			d1[j] = float32(a*cj) - float32(b*sj)
			d2[j] = float32(b*cj) + float32(a*sj)
		}
		return
	}
	x, dst = x[:2*half], dst[:2*half]
	j0 := 0
	if ropeVector && half >= 8 {
		ropePairsAVX512(dst, x, cos, sin)
		j0 = half &^ 7
	}
	for j := j0; j < half; j++ {
		a, b, cj, sj := x[2*j], x[2*j+1], cos[j], sin[j]
		dst[2*j] = float32(a*cj) - float32(b*sj)
		dst[2*j+1] = float32(b*cj) + float32(a*sj)
	}
}

// equalInts reports whether two shapes are equal.
func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
