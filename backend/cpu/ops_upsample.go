package cpu

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
)

// UpsampleNearest repeats each element of the trailing len(scale) axes of x
// scale[i] times: out[..., i0, i1, ...] = x[..., i0/s0, i1/s1, ...].
func (c *Context) UpsampleNearest(x backend.Tensor, scale ...int) backend.Tensor {
	xs := x.Shape()
	lead := len(xs) - len(scale)
	if lead < 0 {
		backend.ShapePanic("UpsampleNearest", fmt.Sprintf("%d scale factors for rank %d", len(scale), len(xs)), x)
	}
	shape := append([]int(nil), xs...)
	for i, s := range scale {
		if s < 1 {
			backend.ShapePanic("UpsampleNearest", fmt.Sprintf("scale factor %d must be >= 1", s), x)
		}
		shape[lead+i] *= s
	}
	src := c.f32("UpsampleNearest", x)
	out := c.newTensor(shape...)
	if out.Len() == 0 {
		return out
	}
	if len(scale) == 0 {
		copy(out.data, src)
		return out
	}
	last := len(shape) - 1
	inRow, outRow := xs[last], shape[last]
	rows := out.Len() / outRow
	sLast := scale[len(scale)-1]
	c.b.parallelFor(rows, max(1, 4096/outRow), func(lo, hi int) {
		idx := make([]int, last)
		for r := lo; r < hi; r++ {
			// Source row of output row r: unflatten, divide the scaled axes.
			rem, srcRow := r, 0
			for a := last - 1; a >= 0; a-- {
				idx[a] = rem % shape[a]
				rem /= shape[a]
			}
			for a := range last {
				i := idx[a]
				if a >= lead {
					i /= scale[a-lead]
				}
				srcRow = srcRow*xs[a] + i
			}
			upsampleRow(out.data[r*outRow:(r+1)*outRow], src[srcRow*inRow:(srcRow+1)*inRow], sLast)
		}
	})
	return out
}

// upsampleRow repeats each element of src s times into dst:
// dst[i] = src[i/s].
func upsampleRow(dst, src []float32, s int) {
	if s == 1 {
		copy(dst, src)
		return
	}
	for i, v := range src {
		seg := dst[i*s : (i+1)*s]
		for j := range seg {
			seg[j] = v
		}
	}
}
