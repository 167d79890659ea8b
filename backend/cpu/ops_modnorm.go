package cpu

import "github.com/lockstep-av/lockstep/backend"

var _ backend.ModulatedLayerNormer = (*Context)(nil)

// ModulatedLayerNorm is adaLN's LayerNorm(x)·(1 + scale) + shift in one
// pass per row: LayerNorm's row write with w = 1 + scale and b = shift of
// the row's position, which rounds exactly like the composed ops
// (LayerNorm, Affine, Mul, Add) and so gives the same bits. shift and
// scale must broadcast against x [..., D] to x's shape with their last
// axis D; other shapes (a broadcast last axis) take the composed path.
func (c *Context) ModulatedLayerNorm(x, shift, scale backend.Tensor, eps float32) backend.Tensor {
	xs := x.Shape()
	d := lastAxis("ModulatedLayerNorm", x)
	stS, okS := rowStrides(xs, shift.Shape())
	stC, okC := rowStrides(xs, scale.Shape())
	if !okS || !okC {
		y := c.Binary(backend.Mul, c.LayerNorm(x, nil, nil, eps), c.Affine(scale, 1, 1))
		return c.Binary(backend.Add, y, shift)
	}
	src := c.f32("ModulatedLayerNorm", x)
	sh := c.f32("ModulatedLayerNorm", shift)
	sc := c.f32("ModulatedLayerNorm", scale)
	onep := c.alloc(len(sc))
	affineKernel(onep, sc, 1, 1)
	out := c.newTensor(xs...)
	if d == 0 {
		return out
	}
	lead := xs[:len(xs)-1]
	c.b.parallelFor(len(src)/d, max(1, elemGrain/d), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			os, oc := rowOffset(r, lead, stS), rowOffset(r, lead, stC)
			row := src[r*d : (r+1)*d]
			mean, rstd := meanRstd(row, eps)
			normRow(out.data[r*d:(r+1)*d], row, float32(mean), rstd, onep[oc:oc+d], sh[os:os+d])
		}
	})
	return out
}

// rowStrides returns, for each leading axis of x (all but the last), the
// stride in a parameter of shape ps broadcast against xs (0 where the
// parameter's axis is 1 or missing), and whether ps broadcasts to xs with
// its own last axis equal to xs's.
func rowStrides(xs, ps []int) ([]int, bool) {
	n, m := len(xs), len(ps)
	if m == 0 || m > n || ps[m-1] != xs[n-1] {
		return nil, false
	}
	st := make([]int, n-1)
	stride := ps[m-1]
	for i := m - 2; i >= 0; i-- {
		xi := i + n - m
		switch ps[i] {
		case xs[xi]:
			if ps[i] != 1 {
				st[xi] = stride
			}
		case 1:
		default:
			return nil, false
		}
		stride *= ps[i]
	}
	return st, true
}

// rowOffset returns the offset in a parameter with strides st of the row
// r of a tensor whose leading axes are lead.
func rowOffset(r int, lead, st []int) int {
	off := 0
	for i := len(lead) - 1; i >= 0 && r > 0; i-- {
		off += (r % lead[i]) * st[i]
		r /= lead[i]
	}
	return off
}
