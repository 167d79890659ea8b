package cpu

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
)

// convTGeom is the validated geometry of one ConvTranspose1d call.
type convTGeom struct {
	batch, cin, cout, groups, l, k, lout int
	stride, pad, dil                     int
}

// newConvTGeom validates the operands of ConvTranspose1d.
func newConvTGeom(x, w, bias backend.Tensor, p backend.ConvTransposeParams) *convTGeom {
	xs, ws := x.Shape(), w.Shape()
	bad := func(msg string, args ...any) {
		backend.ShapePanic("ConvTranspose1d", fmt.Sprintf(msg, args...), x, w, bias)
	}
	if len(xs) != 3 || len(ws) != 3 {
		bad("x must be [B, Cin, L] and w [Cin, Cout/groups, K]")
	}
	g := &convTGeom{batch: xs[0], cin: xs[1], l: xs[2], k: ws[2],
		groups: p.Groups, stride: p.Stride, pad: p.Padding, dil: p.Dilation}
	if g.groups == 0 {
		g.groups = 1
	}
	if g.stride == 0 {
		g.stride = 1
	}
	if g.dil == 0 {
		g.dil = 1
	}
	g.cout = ws[1] * g.groups
	switch {
	case g.groups < 0 || g.stride < 0 || g.dil < 0:
		bad("negative groups, stride or dilation")
	case ws[0] != g.cin:
		bad("weight has %d input channels, x has %d", ws[0], g.cin)
	case g.cin%g.groups != 0:
		bad("input channels %d not divisible by groups %d", g.cin, g.groups)
	case g.pad < 0 || p.OutputPadding < 0:
		bad("negative padding")
	case p.OutputPadding >= g.stride && p.OutputPadding >= g.dil:
		bad("output padding %d must be smaller than stride %d or dilation %d", p.OutputPadding, g.stride, g.dil)
	case g.l < 1 || g.k < 1:
		bad("empty input or kernel")
	}
	if bias != nil {
		if bs := bias.Shape(); len(bs) != 1 || bs[0] != g.cout {
			bad("bias must be [%d]", g.cout)
		}
	}
	g.lout = (g.l-1)*g.stride - 2*g.pad + g.dil*(g.k-1) + p.OutputPadding + 1
	if g.lout < 1 {
		bad("output length %d is not positive", g.lout)
	}
	return g
}

// inputRange returns the input positions [lo, hi) that contribute to
// outputs [t0, t1).
func (g *convTGeom) inputRange(t0, t1 int) (lo, hi int) {
	lo = max(0, ceilDiv(t0+g.pad-g.dil*(g.k-1), g.stride))
	hi = min(g.l, floorDiv(t1-1+g.pad, g.stride)+1)
	return lo, max(lo, hi)
}

// ConvTranspose1d is PyTorch's conv_transpose1d: x [B, Cin, L], w [Cin,
// Cout/groups, K], optional bias [Cout], output length
// (L-1)·stride - 2·padding + dilation·(K-1) + output_padding + 1.
//
// It is computed deterministically as a GEMM followed by a gather: for a
// tile of outputs, cols = wᵀ·x over the contributing input positions
// (sgemm, summing over input channels), then each output element adds its
// taps k = 0..K-1 in order (see convTGather). Every output element is
// written by one task, so results do not depend on the thread count.
func (c *Context) ConvTranspose1d(x, w, bias backend.Tensor, p backend.ConvTransposeParams) backend.Tensor {
	g := newConvTGeom(x, w, bias, p)
	xd, wd := c.f32("ConvTranspose1d", x), c.convWeights("ConvTranspose1d", w)
	var bd []float32
	if bias != nil {
		bd = c.f32("ConvTranspose1d", bias)
	}
	out := c.newTensor(g.batch, g.cout, g.lout)
	if out.Len() == 0 {
		return out
	}
	cinG, coutG := g.cin/g.groups, g.cout/g.groups
	rows := coutG * g.k
	// Output tile length: about convTileFloats of cols per worker.
	nlTarget := max(16, convTileFloats/rows)
	tileOut := convTileLen(g.lout, nlTarget*g.stride, g.batch*g.groups, c.b.threads)
	maxNl := (tileOut-1+g.dil*(g.k-1))/g.stride + 2
	tiles := (g.lout + tileOut - 1) / tileOut
	tasks := g.batch * g.groups * tiles
	workers := min(c.b.threads, tasks)
	scratch := c.alloc(workers * rows * maxNl)
	c.forWorkers(tasks, workers, func(wk, lo, hi int) {
		cols := scratch[wk*rows*maxNl : (wk+1)*rows*maxNl]
		for task := lo; task < hi; task++ {
			tile := task % tiles
			bg := task / tiles
			b, grp := bg/g.groups, bg%g.groups
			t0 := tile * tileOut
			t1 := min(g.lout, t0+tileOut)
			l0, l1 := g.inputRange(t0, t1)
			nl := l1 - l0
			if nl > 0 {
				// cols[(co·K + k), l-l0] = Σ_ci w[ci, co, k]·x[b, ci, l]
				xg := xd[(b*g.cin+grp*cinG)*g.l+l0:]
				wg := wd[grp*cinG*rows:]
				sgemm(rows, nl, cinG, wg, rows, true, xg, g.l, false, cols, nl, false)
			}
			for co := range coutG {
				var bv float32
				if bd != nil {
					bv = bd[grp*coutG+co]
				}
				dst := out.data[(b*g.cout+grp*coutG+co)*g.lout:]
				convTGather(dst[t0:t1], cols[co*g.k*nl:(co+1)*g.k*nl], nl, t0, l0, bv, g)
			}
		}
	})
	return out
}

// convTGather writes outputs t0+j of one channel from cols (K rows of nl
// columns, column q holding input position l0+q). Reference loop:
//
//	for j := range dst {
//		s := 0
//		for k := range K {
//			num := t0 + j + pad - k·dil
//			if num % stride == 0 && l0 <= num/stride < l0+nl {
//				s += cols[k·nl + num/stride - l0]
//			}
//		}
//		dst[j] = s + bias
//	}
func convTGather(dst, cols []float32, nl, t0, l0 int, bias float32, g *convTGeom) {
	for j := range dst {
		var s float32
		for k := range g.k {
			num := t0 + j + g.pad - k*g.dil
			if num < 0 || num%g.stride != 0 {
				continue
			}
			if q := num/g.stride - l0; q >= 0 && q < nl {
				s += cols[k*nl+q]
			}
		}
		dst[j] = s + bias
	}
}

// floorDiv is ⌊a/b⌋ for b > 0.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// ceilDiv is ⌈a/b⌉ for b > 0.
func ceilDiv(a, b int) int { return -floorDiv(-a, b) }
