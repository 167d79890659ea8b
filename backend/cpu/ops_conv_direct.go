package cpu

import (
	"sync"
	"sync/atomic"

	"github.com/lockstep-av/lockstep/backend"
	fastgemm "github.com/lockstep-av/lockstep/backend/cpu/internal/gemm"
)

// convDirectMinFill is the smallest fraction of the computed tile elements
// that must be real outputs (not padding columns or rows past Cout) for the
// direct path to be chosen over im2col. Tests set it to 0 to send every
// eligible shape through the direct path.
var convDirectMinFill = 0.6

// convDirectWidth, when not 0, is the tile width every direct plan uses
// (tests set it to exercise each kernel).
var convDirectWidth = 0

// convDirect is the plan of a convolution computed as an implicit GEMM
// straight from a padded copy of the input, with no im2col matrix: the
// input is padded once (padding mode applied), so output position (z, y,
// x) and kernel tap (kd, kh, kw) of input channel ci read padded element
// (z + kd·dd, y + kh·dh, x + kw·dw). Output positions are numbered
// q = y·wp + x within each output plane z (wp the padded row stride, so
// the columns x >= ow of every row are computed and dropped), which makes
// the nr positions of a tile read nr consecutive padded elements
// for every (ci, tap): the tile kernel reads them in place, at one offset
// per GEMM step, instead of from a packed panel. With zero padding the
// right pad columns are left out of the rows: reads past a row's end fall
// on the next row's left pad, which holds the same zeros.
type convDirect struct {
	g          *convGeom
	dp, hp, wp int // padded input extents
	cs         int // padded floats per input channel, dp·hp·wp
	nr         int // tile width, one of convWidths
	lastNR     int // width of the last tile of each plane, at most nr
	tiles      int // tiles per output plane
	k          int // GEMM depth cinG·kvol
	rows       int // coutG rounded up to convMR
}

// newConvDirect returns the direct plan of g, or nil when g is not a
// stride-1 convolution with several input channels per group, when it is
// pointwise (sgemm reads the input in place already), or when too much of
// the tiles would be padding columns (small planes).
func newConvDirect(g *convGeom) *convDirect {
	if convTile == nil || g.stride != [3]int{1, 1, 1} || g.cinG() < 2 || g.pointwise() {
		return nil
	}
	d := &convDirect{g: g, k: g.cinG() * g.kvol(), rows: roundUp(g.coutG(), convMR)}
	d.dp = g.out[0] + g.dil[0]*(g.k[0]-1)
	d.hp = g.out[1] + g.dil[1]*(g.k[1]-1)
	d.wp = g.out[2] + g.dil[2]*(g.k[2]-1)
	// With zero padding, a row's right pad can be the next row's left pad:
	// reads past the end of a row land on those zeros, and fewer columns
	// per row are computed and dropped.
	if right := d.wp - g.in[2] - g.pad[2]; g.mode == backend.PadConstant && right > 0 &&
		right <= g.pad[2] && right <= g.dil[2]*(g.k[2]-1) {
		d.wp -= right
	}
	d.cs = d.dp * d.hp * d.wp
	plane := g.out[1] * d.wp
	// Each plane is tiles-1 tiles of nr positions and a last one of
	// lastNR <= nr (the narrower kernel when it covers the remainder).
	best := 0.0
	for _, nr := range convWidths {
		for _, last := range convWidths {
			t := (plane + nr - 1) / nr
			if last > nr || plane-(t-1)*nr > last || (convDirectWidth != 0 && (nr != convDirectWidth || last != nr)) {
				continue
			}
			cost := float64((t-1)*nr)*convWidthCost(nr) + float64(last)*convWidthCost(last)
			if d.nr == 0 || cost < best {
				d.nr, d.lastNR, d.tiles, best = nr, last, t, cost
			}
		}
	}
	fill := float64(g.out[1]*g.out[2]*g.coutG()) / float64(((d.tiles-1)*d.nr+d.lastNR)*d.rows)
	if fill < convDirectMinFill {
		return nil
	}
	return d
}

// steps returns the input offset of every GEMM step relative to a tile's
// first position, in weight order: step ((ci·kD + kd)·kH + kh)·kW + kw
// reads channel ci at tap (kd, kh, kw). Offsets depend on a few extents
// only and are kept for reuse (a streaming decoder repeats its shapes
// every window).
func (d *convDirect) steps() convSteps {
	g := d.g
	key := convStepsKey{cinG: g.cinG(), k: g.k, dil: g.dil, cs: d.cs, hp: d.hp, wp: d.wp}
	if st, ok := convStepsCache.Load(key); ok {
		return st.(convSteps)
	}
	offs := make([]int, 0, d.k)
	for ci := range g.cinG() {
		for kd := range g.k[0] {
			for kh := range g.k[1] {
				for kw := range g.k[2] {
					offs = append(offs, ci*d.cs+(kd*g.dil[0]*d.hp+kh*g.dil[1])*d.wp+kw*g.dil[2])
				}
			}
		}
	}
	st := newConvSteps(offs)
	if convStepsCached.Add(1) <= convStepsCacheMax {
		convStepsCache.Store(key, st)
	}
	return st
}

// convStepsKey is what a direct plan's step offsets depend on.
type convStepsKey struct {
	cinG       int
	k, dil     [3]int
	cs, hp, wp int
}

// convStepsCache holds the step offsets of up to convStepsCacheMax
// shapes (read-only once stored; convStepsCached counts insertions).
var (
	convStepsCache  sync.Map
	convStepsCached atomic.Int64
)

const convStepsCacheMax = 256

// padLen is the length of the padded input: every channel of every image,
// plus room for the last tile's reads past the last plane (kept zero).
func (d *convDirect) padLen() int {
	g := d.g
	return g.batch*g.cin*d.cs + d.nr + g.dil[2]*(g.k[2]-1)
}

// padInput writes x [B, Cin, D, H, W] padded to [B, Cin, dp, hp, wp] into
// xp (the padding mode applied; zero pads are zeros) and zeroes the tail
// past the last channel. Channels are split over the backend's threads.
func (c *Context) padInput(xp, x []float32, d *convDirect) {
	g := d.g
	var maps [3][]int
	for a, n := range [3]int{d.dp, d.hp, d.wp} {
		maps[a] = make([]int, n)
		for i := range n {
			maps[a][i] = padIndex(i-g.pad[a], g.in[a], g.mode)
		}
	}
	inVol, iw, plane := g.inVol(), g.in[2], g.in[1]*g.in[2]
	// Padded columns [x0, x1) read the input row in order.
	x0, x1 := g.pad[2], min(g.pad[2]+iw, d.wp)
	c.b.parallelFor(g.batch*g.cin, 1, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			src := x[ch*inVol : (ch+1)*inVol]
			dst := xp[ch*d.cs : (ch+1)*d.cs]
			for z, zi := range maps[0] {
				for y, yi := range maps[1] {
					row := dst[(z*d.hp+y)*d.wp : (z*d.hp+y+1)*d.wp]
					if zi < 0 || yi < 0 {
						clear(row)
						continue
					}
					in := src[zi*plane+yi*iw : zi*plane+(yi+1)*iw]
					for xo, xi := range maps[2][:x0] {
						row[xo] = padValue(in, xi)
					}
					copy(row[x0:x1], in)
					for xo, xi := range maps[2][x1:] {
						row[x1+xo] = padValue(in, xi)
					}
				}
			}
		}
	})
	clear(xp[g.batch*g.cin*d.cs:])
}

// padValue is in[i], or 0 for a zero pad (i < 0).
func padValue(in []float32, i int) float32 {
	if i < 0 {
		return 0
	}
	return in[i]
}

// weightPanels returns, per group, the weight rows of each convMR-row
// panel: the group's rows of w [Cout, cinG·kvol] in place (float32 or
// f16/bf16, row stride k), except a last panel of fewer than convMR rows,
// which is widened with zero rows below into tail (groups·convMR·k floats).
func (d *convDirect) weightPanels(w convRows, tail []float32) func(grp, r int) convRows {
	g := d.g
	coutG := g.coutG()
	full := coutG / convMR * convMR
	if full < coutG {
		clear(tail)
		for grp := range g.groups {
			for co := full; co < coutG; co++ {
				dst := tail[(grp*convMR+co-full)*d.k:][:d.k]
				copy(dst, w.from((grp*coutG+co)*d.k).row(0, d.k, dst))
			}
		}
	}
	return func(grp, r int) convRows {
		if r >= full {
			return convRows{f32: tail[grp*convMR*d.k : (grp+1)*convMR*d.k], dt: backend.F32, lda: d.k}
		}
		return w.from((grp*coutG + r) * d.k)
	}
}

// convDirectRun computes the convolution of the plan into out (the
// Conv's [B, Cout, *spatial] data): x is the unpadded input, w and bias
// the weights. Tasks are (image, group, output plane, tile, block of
// output channels); workers take
// them from a shared counter, and each tile's arithmetic is the same
// whichever worker runs it, so results do not depend on the thread count.
// Reference loop of one output element (p running over weight columns in
// the k blocks that sgemm uses for this depth, each block summed from zero
// with fused multiply-adds and added to the running total, the bias added
// last), which is exactly the arithmetic of the im2col path, so a shape
// gives the same bits on either path (streaming decoders depend on that:
// a short chunk may take the other path):
//
//	out[b, co, z, y, x] = bias[co] + Σ_ci Σ_(kd,kh,kw) w[co, ci, kd, kh, kw] ·
//		xpad[b, grp·cinG + ci, z + kd·dd, y + kh·dh, x + kw·dw]
func (c *Context) convDirectRun(d *convDirect, out, x []float32, w convRows, bias []float32) {
	g := d.g
	xp := c.alloc(d.padLen())
	c.padInput(xp, x, d)
	var tail []float32
	if g.coutG()%convMR != 0 {
		tail = c.alloc(g.groups * convMR * d.k)
	}
	panel := d.weightPanels(w, tail)
	st := d.steps()
	coutG := g.coutG()
	// The bias of each group padded to whole panels, added by the kernel
	// after the last k block: out = (Σ over k blocks) + bias.
	var biasPad []float32
	if bias != nil {
		biasPad = c.alloc(g.groups * d.rows)
		clear(biasPad)
		for grp := range g.groups {
			copy(biasPad[grp*d.rows:], bias[grp*coutG:(grp+1)*coutG])
		}
	}
	kcStep := fastgemm.KBlock(d.k)

	oh, ow, npos := g.out[1], g.out[2], g.outVol()
	planes := g.out[0]
	spatial := g.batch * g.groups * planes * d.tiles
	// Few position tiles (small planes) are split further into blocks of
	// output channels, so that every thread gets several tasks; an
	// element's arithmetic does not depend on the split.
	blk := d.rows
	if want := 4 * c.b.threads; spatial < want {
		per := (want + spatial - 1) / spatial // channel blocks wanted
		blk = roundUp((d.rows+per-1)/per, convMR)
	}
	blocks := (d.rows + blk - 1) / blk
	tasks := spatial * blocks
	workers := min(c.b.threads, tasks)
	scratch := c.alloc(workers * blk * d.nr)
	var next atomic.Int64
	c.b.parallelFor(workers, 1, func(lo, hi int) {
		tmp := scratch[lo*blk*d.nr : (lo+1)*blk*d.nr]
		segs := make([]convSeg, 0, convNR)
		for {
			task := int(next.Add(1)) - 1
			if task >= tasks {
				return
			}
			r0 := task % blocks * blk
			r1 := min(r0+blk, d.rows)
			t := task / blocks % d.tiles
			z := task / (blocks * d.tiles) % planes
			bg := task / (blocks * d.tiles * planes)
			b, grp := bg/g.groups, bg%g.groups
			q0, nr := t*d.nr, d.nr
			if t == d.tiles-1 {
				nr = d.lastNR
			}
			base := (b*g.cin+grp*g.cinG())*d.cs + z*d.hp*d.wp + q0
			src := xp[base:]
			for pc := 0; pc < d.k; pc += kcStep {
				kc := min(kcStep, d.k-pc)
				for r := r0; r < r1; r += convMR {
					var br []float32
					if biasPad != nil && pc+kc == d.k {
						br = biasPad[grp*d.rows+r : grp*d.rows+r+convMR]
					}
					convTile(nr, kc, panel(grp, r).from(pc), src, st.from(pc), tmp[(r-r0)*d.nr:], d.nr, pc > 0, br)
				}
			}
			// Scatter the tile's real outputs (columns x < ow of each row).
			segs = segs[:0]
			for q, q1 := q0, min(q0+nr, oh*d.wp); q < q1; {
				y, xx := q/d.wp, q%d.wp
				run := min(d.wp-xx, q1-q)
				if n := min(run, ow-xx); n > 0 {
					segs = append(segs, convSeg{col: q - q0, pos: y*ow + xx, n: n})
				}
				q += run
			}
			for co := r0; co < min(r1, coutG); co++ {
				dst := out[(b*g.cout+grp*coutG+co)*npos+z*oh*ow:]
				row := tmp[(co-r0)*d.nr : (co-r0+1)*d.nr]
				for _, sg := range segs {
					copy(dst[sg.pos:sg.pos+sg.n], row[sg.col:sg.col+sg.n])
				}
			}
		}
	})
}

// convSeg is a run of a direct tile's columns that are real outputs:
// tile columns [col, col+n) are output positions [pos, pos+n) of the plane.
type convSeg struct{ col, pos, n int }
