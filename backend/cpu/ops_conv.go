package cpu

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
	fastgemm "github.com/lockstep-av/lockstep/backend/cpu/internal/gemm"
)

// convTileFloats bounds the im2col scratch of one worker (floats).
const convTileFloats = 1 << 18

// convGeom is the validated geometry of one Conv call. Spatial axes are
// always three: 1-d and 2-d convolutions get leading axes of size 1.
type convGeom struct {
	batch, cin, cout, groups int
	in, k, out               [3]int
	stride, dil, pad         [3]int // pad is the before-side padding
	mode                     backend.PadMode
}

// cinG is the number of input channels of one group.
func (g *convGeom) cinG() int { return g.cin / g.groups }

// coutG is the number of output channels of one group.
func (g *convGeom) coutG() int { return g.cout / g.groups }

// kvol is the number of kernel taps.
func (g *convGeom) kvol() int { return g.k[0] * g.k[1] * g.k[2] }

// inVol is the number of input positions of one channel.
func (g *convGeom) inVol() int { return g.in[0] * g.in[1] * g.in[2] }

// outVol is the number of output positions of one channel.
func (g *convGeom) outVol() int { return g.out[0] * g.out[1] * g.out[2] }

// pointwise reports whether the im2col matrix is the input itself.
func (g *convGeom) pointwise() bool {
	return g.kvol() == 1 && g.stride == [3]int{1, 1, 1} && g.pad == [3]int{} && g.in == g.out
}

// newConvGeom validates the operands of Conv and returns the geometry.
func newConvGeom(x, w, bias backend.Tensor, p backend.ConvParams) *convGeom {
	xs, ws := x.Shape(), w.Shape()
	bad := func(msg string, args ...any) {
		backend.ShapePanic("Conv", fmt.Sprintf(msg, args...), x, w, bias)
	}
	nd := len(ws) - 2
	if nd < 1 || nd > 3 {
		bad("weight must have 1, 2 or 3 spatial axes")
	}
	if len(xs) != len(ws) {
		bad("input rank %d does not match weight rank %d", len(xs), len(ws))
	}
	g := &convGeom{batch: xs[0], cin: xs[1], cout: ws[0], groups: p.Groups, mode: p.PadMode}
	if g.groups == 0 {
		g.groups = 1
	}
	switch {
	case g.groups < 0:
		bad("negative groups %d", g.groups)
	case g.cin%g.groups != 0 || g.cout%g.groups != 0:
		bad("channels (in %d, out %d) not divisible by groups %d", g.cin, g.cout, g.groups)
	case ws[1]*g.groups != g.cin:
		bad("weight has %d input channels per group, input has %d channels in %d groups", ws[1], g.cin, g.groups)
	}
	if bias != nil {
		if bs := bias.Shape(); len(bs) != 1 || bs[0] != g.cout {
			bad("bias must be [%d]", g.cout)
		}
	}
	for i, s := range [][]int{p.Stride, p.Dilation, p.PadBefore, p.PadAfter} {
		if s != nil && len(s) != nd {
			name := [...]string{"Stride", "Dilation", "PadBefore", "PadAfter"}[i]
			bad("%s has %d entries for %d spatial axes", name, len(s), nd)
		}
	}
	switch g.mode {
	case backend.PadConstant, backend.PadReplicate, backend.PadReflect:
	default:
		bad("unknown pad mode %d", g.mode)
	}
	off := 3 - nd
	for i := range 3 {
		g.in[i], g.k[i], g.out[i], g.stride[i], g.dil[i] = 1, 1, 1, 1, 1
		if i < off {
			continue
		}
		a := i - off
		g.in[i], g.k[i] = xs[2+a], ws[2+a]
		after := 0
		if p.Stride != nil {
			g.stride[i] = p.Stride[a]
		}
		if p.Dilation != nil {
			g.dil[i] = p.Dilation[a]
		}
		if p.PadBefore != nil {
			g.pad[i] = p.PadBefore[a]
		}
		if p.PadAfter != nil {
			after = p.PadAfter[a]
		}
		switch {
		case g.stride[i] < 1 || g.dil[i] < 1:
			bad("stride and dilation must be >= 1")
		case g.pad[i] < 0 || after < 0:
			bad("negative padding")
		case g.in[i] < 1 || g.k[i] < 1:
			bad("empty spatial axis %d", a)
		case g.mode == backend.PadReflect && (g.pad[i] >= g.in[i] || after >= g.in[i]):
			bad("reflect padding must be smaller than the input on axis %d", a)
		}
		span := g.in[i] + g.pad[i] + after - g.dil[i]*(g.k[i]-1)
		if span < 1 {
			bad("kernel (dilated extent %d) larger than the padded input (%d) on axis %d",
				g.dil[i]*(g.k[i]-1)+1, g.in[i]+g.pad[i]+after, a)
		}
		g.out[i] = (span-1)/g.stride[i] + 1
	}
	return g
}

// outShape is the shape of the result, [B, Cout, *spatial] with the
// caller's number of spatial axes.
func (g *convGeom) outShape(nd int) []int {
	return append([]int{g.batch, g.cout}, g.out[3-nd:]...)
}

// Conv is the N-d convolution of x [B, Cin, *spatial] with w [Cout,
// Cin/groups, *kernel] and optional bias [Cout]. Reference loop (zero pads
// add nothing; other padding modes read the element they map to):
//
//	out[b, co, z, y, x] = bias[co] + Σ_ci Σ_(kd,kh,kw) w[co, ci, kd, kh, kw] ·
//		x[b, grp·cinG + ci, z·sd - pd + kd·dd, y·sh - ph + kh·dh, x·sw - pw + kw·dw]
//
// Stride-1 convolutions with several input channels per group run as an
// implicit GEMM read straight from a padded copy of the input (see
// convDirect) where the CPU has the vector tile kernel. Otherwise, for
// each (batch, group, tile of output positions) the input patches are
// gathered into an im2col matrix (padding applied on the fly) and
// multiplied by the group's weights with sgemm; groups of one input
// channel use the direct kernel convDepthwise. On every path tiles are
// independent and each element's summation order depends on the shape
// only, so results do not depend on the thread count; the direct and
// im2col paths also sum in the same order (same bits), so the choice
// between them never shows in the results.
func (c *Context) Conv(x, w, bias backend.Tensor, p backend.ConvParams) backend.Tensor {
	g := newConvGeom(x, w, bias, p)
	xd := c.f32("Conv", x)
	var bd []float32
	if bias != nil {
		bd = c.f32("Conv", bias)
	}
	out := c.newTensor(g.outShape(len(w.Shape()) - 2)...)
	if out.Len() == 0 {
		return out
	}
	if d := newConvDirect(g); d != nil {
		// Half-precision weights are read as they are where the tile
		// kernels widen them.
		rows := convRows{dt: backend.F32, lda: d.k}
		if wt := tensorOf("Conv", w); convTileHalf && (wt.dtype == backend.F16 || wt.dtype == backend.BF16) {
			rows.raw, rows.dt = wt.raw, wt.dtype
		} else {
			rows.f32 = c.convWeights("Conv", w)
		}
		c.convDirectRun(d, out.data, xd, rows, bd)
		return out
	}
	wd := c.convWeights("Conv", w)

	cinG, coutG, npos := g.cinG(), g.coutG(), g.outVol()
	if cinG == 1 {
		// Depthwise (one input channel per group): no GEMM to feed.
		maps := newConvMaps(g)
		kvol, inVol := g.kvol(), g.inVol()
		c.b.parallelFor(g.batch*g.cout, 1, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				b, co := r/g.cout, r%g.cout
				var bv float32
				if bd != nil {
					bv = bd[co]
				}
				img := xd[(b*g.cin+co/coutG)*inVol : (b*g.cin+co/coutG+1)*inVol]
				convDepthwise(out.data[r*npos:(r+1)*npos], img, wd[co*kvol:(co+1)*kvol], bv, g, maps)
			}
		})
		return out
	}
	kdim := cinG * g.kvol()
	nt := convTileLen(npos, max(64, convTileFloats/kdim), g.batch*g.groups, c.b.threads)
	tiles := (npos + nt - 1) / nt
	tasks := g.batch * g.groups * tiles
	workers := min(c.b.threads, tasks)
	pointwise := g.pointwise()
	var scratch []float32
	var maps *convMaps
	if !pointwise {
		scratch = c.alloc(workers * kdim * nt)
		maps = newConvMaps(g)
	}
	// For few output channels the micro-kernel's 14-row panels of C are
	// poorly filled; transposed, output positions are the rows and the
	// channels fill 32-wide column panels: C' [n, coutG] = colᵀ·Wᵀ, then
	// transposed into the output. The choice depends on the shape only.
	transposed := !pointwise && convTransposedBetter(coutG)
	var tscratch []float32
	if transposed {
		tscratch = c.alloc(workers * coutG * nt)
	}
	c.forWorkers(tasks, workers, func(wk, lo, hi int) {
		var col, ct []float32
		if !pointwise {
			col = scratch[wk*kdim*nt : (wk+1)*kdim*nt]
		}
		if transposed {
			ct = tscratch[wk*coutG*nt : (wk+1)*coutG*nt]
		}
		for task := lo; task < hi; task++ {
			tile := task % tiles
			bg := task / tiles
			b, grp := bg/g.groups, bg%g.groups
			p0 := tile * nt
			n := min(nt, npos-p0)
			img := xd[(b*g.cin+grp*cinG)*g.inVol():]
			dst := out.data[(b*g.cout+grp*coutG)*npos+p0:]
			wg := wd[grp*coutG*kdim:]
			switch {
			case pointwise:
				sgemm(coutG, n, kdim, wg, kdim, false, img[p0:], npos, false, dst, npos, false)
			case transposed:
				im2col(col[:kdim*n], img, g, maps, p0, n)
				sgemm(n, coutG, kdim, col, n, true, wg, kdim, true, ct, coutG, false)
				var bg []float32
				if bd != nil {
					bg = bd[grp*coutG : (grp+1)*coutG]
				}
				transposeInto(dst, npos, ct[:n*coutG], n, coutG, bg)
				continue // bias added while transposing
			default:
				im2col(col[:kdim*n], img, g, maps, p0, n)
				sgemm(coutG, n, kdim, wg, kdim, false, col, n, false, dst, npos, false)
			}
			if bd != nil {
				for co := range coutG {
					bv := bd[grp*coutG+co]
					row := dst[co*npos : co*npos+n]
					for j := range row {
						row[j] += bv
					}
				}
			}
		}
	})
	return out
}

// convTileLen returns the number of output positions per tile: at most
// limit, and small enough that images·tiles gives every thread a task when
// possible. The tile length may depend on the thread count because sgemm
// sums every element in the same order however its columns are split.
func convTileLen(npos, limit, images, threads int) int {
	nt := min(npos, limit)
	if tiles := (npos + nt - 1) / nt; images*tiles < threads {
		per := (threads + images - 1) / images // tiles wanted per image
		nt = min(nt, max(16, (npos+per-1)/per))
	}
	return nt
}

// forWorkers splits tasks [0, n) into workers contiguous ranges and calls
// fn(worker, lo, hi) for each, concurrently; worker indexes a slice of
// scratch memory allocated before the call (the arena is not safe for
// concurrent use). workers must be at most the backend's thread count.
func (c *Context) forWorkers(n, workers int, fn func(worker, lo, hi int)) {
	if n <= 0 {
		return
	}
	workers = max(1, min(workers, n))
	c.b.parallelFor(workers, 1, func(wlo, whi int) {
		for wk := wlo; wk < whi; wk++ {
			fn(wk, wk*n/workers, (wk+1)*n/workers)
		}
	})
}

// convTransposedBetter reports whether the transposed product (output
// channels as GEMM columns, 32 per panel) fills the micro-kernel better
// than channels as rows (14 per panel).
func convTransposedBetter(cout int) bool {
	rows := float64(cout) / float64(14*((cout+13)/14))
	cols := float64(cout) / float64(32*((cout+31)/32))
	return cout <= 64 && cols > rows
}

// transposeInto writes src [n, c] transposed into dst rows of stride ld,
// plus bias[j] when bias is not nil: dst[j·ld+i] = src[i·c+j] + bias[j]
// for i < n, j < c.
func transposeInto(dst []float32, ld int, src []float32, n, c int, bias []float32) {
	const blk = 16
	for i0 := 0; i0 < n; i0 += blk {
		i1 := min(i0+blk, n)
		for j := range c {
			row := dst[j*ld+i0 : j*ld+i1]
			var bv float32
			if bias != nil {
				bv = bias[j]
			}
			for i := range row {
				row[i] = src[(i0+i)*c+j] + bv
			}
		}
	}
}

// convWeights returns w's values as float32 like f32, widening
// half-precision weights with package gemm's vector widening, on all
// threads (a decoder's convolutions widen their f16 weights on every call,
// and a streaming decoder on every window).
func (c *Context) convWeights(op string, w backend.Tensor) []float32 {
	ct := tensorOf(op, w)
	if ct.dtype != backend.F16 && ct.dtype != backend.BF16 {
		return c.f32(op, w)
	}
	buf := c.alloc(ct.Len())
	const grain = 1 << 14
	c.b.parallelFor((len(buf)+grain-1)/grain, 1, func(lo, hi int) {
		a, b := lo*grain, min(hi*grain, len(buf))
		if ct.dtype == backend.F16 {
			fastgemm.WidenF16(buf[a:b], ct.raw[2*a:2*b])
		} else {
			fastgemm.WidenBF16(buf[a:b], ct.raw[2*a:2*b])
		}
	})
	return buf
}
