package cpu

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

// MatMul multiplies the last two axes of a and b, broadcasting the batch
// axes; b may be F16 or BF16 and is widened panel by panel while packing.
// When b has no batch (a weight matrix) and a is not transposed, a's batch
// axes are folded into M so that b is packed once.
func (c *Context) MatMul(a, b backend.Tensor, transA, transB bool) backend.Tensor {
	return c.matMul("MatMul", a, b, nil, transA, transB)
}

// matMul is MatMul, plus bias [N] added to every row of the product when
// bias is not nil (see MatMulBias).
func (c *Context) matMul(name string, a, b, bias backend.Tensor, transA, transB bool) backend.Tensor {
	as, bs := a.Shape(), b.Shape()
	if len(as) < 2 || len(bs) < 2 {
		backend.ShapePanic("MatMul", "operands need at least 2 axes", a, b)
	}
	ra, rb := len(as), len(bs)
	m, k := as[ra-2], as[ra-1]
	if transA {
		m, k = k, m
	}
	kb, n := bs[rb-2], bs[rb-1]
	if transB {
		kb, n = n, kb
	}
	if k != kb {
		backend.ShapePanic("MatMul", fmt.Sprintf("inner dimensions differ (%d vs %d)", k, kb), a, b)
	}
	batch, ok := backend.BroadcastShapes(as[:ra-2], bs[:rb-2])
	if !ok {
		backend.ShapePanic("MatMul", "batch axes do not broadcast", a, b)
	}
	if bias != nil {
		if bsh := bias.Shape(); len(bsh) != 1 || bsh[0] != n {
			backend.ShapePanic(name, fmt.Sprintf("bias must be [%d]", n), a, b, bias)
		}
	}
	out := c.newTensor(append(append([]int{}, batch...), m, n)...)
	av := c.f32("MatMul", a)
	bt := tensorOf("MatMul", b)
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	op := gemmB{f32: bt.data, raw: bt.raw, dt: bt.dtype, ld: ldb, trans: transB, dot: c.b.bf16Compute}
	nb := backend.NumElements(batch)
	if backend.NumElements(bs[:rb-2]) == 1 && !transA {
		// a's batch folds into M: one product [nb·m, k]·[k, n].
		if bias != nil {
			gemmBias(c.b.parallelFor, nb*m, n, k, av, lda, false, op, out.data, n, c.f32(name, bias))
			return out
		}
		gemm(c.b.parallelFor, nb*m, n, k, av, lda, false, op, out.data, n, false)
		return out
	}

	aStr := broadcastStrides(as[:ra-2], batch, m*k)
	bStr := broadcastStrides(bs[:rb-2], batch, k*n)
	offsets := func(i int) (int, int) {
		oa, ob := 0, 0
		for d := len(batch) - 1; d >= 0; d-- {
			x := i % batch[d]
			i /= batch[d]
			oa += x * aStr[d]
			ob += x * bStr[d]
		}
		return oa, ob
	}
	one := func(i int, pfor parallelFunc) {
		oa, ob := offsets(i)
		bi := op
		if bt.dtype == backend.F32 {
			bi.f32 = bt.data[ob:]
		} else {
			bi.raw = bt.raw[2*ob:]
		}
		gemm(pfor, m, n, k, av[oa:], lda, transA, bi, out.data[i*m*n:], n, false)
	}
	if nb >= 2*c.b.threads && m*n*k <= 128*128*128 {
		// Many small products: one goroutine per range of batches.
		c.b.parallelFor(nb, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				one(i, serialFor)
			}
		})
	} else {
		for i := range nb {
			one(i, c.b.parallelFor)
		}
	}
	if bias != nil {
		return c.Binary(backend.Add, out, bias)
	}
	return out
}

// broadcastStrides returns, for each axis of out, the element stride of a
// tensor of shape in (right-aligned with out) whose innermost block has
// inner elements; broadcast axes get stride 0.
func broadcastStrides(in, out []int, inner int) []int {
	st := make([]int, len(out))
	s := inner
	for d := len(out) - 1; d >= 0; d-- {
		j := d - (len(out) - len(in))
		if j < 0 {
			break
		}
		if in[j] != 1 {
			st[d] = s
		}
		s *= in[j]
	}
	return st
}

// parallelFunc runs fn over [0, n) split into ranges of at least grain.
type parallelFunc func(n, grain int, fn func(lo, hi int))

// serialFor is the parallelFunc that runs everything on the caller.
func serialFor(n, _ int, fn func(lo, hi int)) {
	if n > 0 {
		fn(0, n)
	}
}

// gemmB is the B operand of gemm: float32 values, or raw F16/BF16 storage
// widened while packing; ld is the row stride in elements.
type gemmB struct {
	f32   []float32
	raw   []byte
	dt    backend.DType
	ld    int
	trans bool
	dot   bool // BF16 B: use bf16 dot products (Options.BF16Compute)
}

// gemmGo computes C = A·B (+ C when accumulate) like sgemm, splitting the
// tiles of C over pfor. For each gemmKC-slab of k, the slab of B is packed
// (in parallel, widening F16/BF16), then work units of gemmMC rows by at
// most gemmNC columns pack their rows of A and run the macro-kernel. Every
// element of C is summed in the same order whatever the split.
func gemmGo(pfor parallelFunc, m, n, k int, a []float32, lda int, transA bool, b gemmB, c []float32, ldc int, accumulate bool) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if !accumulate {
			for i := range m {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	bp := getPack(gemmKC * roundUp(min(n, gemmSlabN), gemmNR))
	defer putPack(bp)
	mBlocks := (m + gemmMC - 1) / gemmMC
	for p0 := 0; p0 < k; p0 += gemmKC {
		kb := min(gemmKC, k-p0)
		acc := accumulate || p0 > 0
		for s0 := 0; s0 < n; s0 += gemmSlabN {
			sn := min(gemmSlabN, n-s0)
			bpack := *bp
			panels := (sn + gemmNR - 1) / gemmNR
			pfor(panels, 32, func(lo, hi int) {
				// F16/BF16 panels are widened through scratch, a pooled
				// buffer: a local array would escape to the heap (4 KB of
				// garbage per task).
				var scratch []float32
				if b.dt != backend.F32 && b.dt != 0 {
					sp := getPack(gemmNR * gemmKC)
					defer putPack(sp)
					scratch = *sp
				}
				for q := lo; q < hi; q++ {
					j := q * gemmNR
					pan := bpack[j*kb : (j+gemmNR)*kb]
					b.packPanel(pan, scratch, p0, kb, s0+j, min(gemmNR, sn-j))
				}
			})
			// Narrow the column blocks when there are few row blocks, so
			// that small-M products still have work for every goroutine
			// (the per-element arithmetic does not depend on the split).
			ncu := min(gemmNC, max(8*gemmNR, roundUp((sn*mBlocks+15)/16, gemmNR)))
			nBlocks := (sn + ncu - 1) / ncu
			pfor(mBlocks*nBlocks, 1, func(lo, hi int) {
				ap := getPack(gemmMC * gemmKC)
				defer putPack(ap)
				packed := -1
				for u := lo; u < hi; u++ {
					ib, jb := u/nBlocks, u%nBlocks
					i0, j0 := ib*gemmMC, jb*ncu
					mb, nb := min(gemmMC, m-i0), min(ncu, sn-j0)
					if packed != ib {
						packA(*ap, a, lda, transA, i0, mb, p0, kb)
						packed = ib
					}
					gemmMacro(mb, nb, kb, *ap, bpack[j0*kb:], c[i0*ldc+s0+j0:], ldc, acc)
				}
			})
		}
	}
}

// packPanel packs columns [j, j+nr) of rows [p0, p0+kb) of B into pan
// (packB's layout), widening F16/BF16 through scratch.
func (b *gemmB) packPanel(pan, scratch []float32, p0, kb, j, nr int) {
	if b.dt == backend.F32 || b.dt == 0 {
		packBPanel(pan, b.f32, b.ld, b.trans, p0, kb, j, nr)
		return
	}
	widen := half.F16ToF32
	if b.dt == backend.BF16 {
		widen = half.BF16ToF32
	}
	if b.trans {
		for c := range nr {
			off := (j+c)*b.ld + p0
			widen(scratch[c*kb:(c+1)*kb], b.raw[2*off:])
		}
		packBPanel(pan, scratch, kb, true, 0, kb, 0, nr)
		return
	}
	for p := range kb {
		off := (p0+p)*b.ld + j
		widen(scratch[p*gemmNR:p*gemmNR+nr], b.raw[2*off:])
	}
	packBPanel(pan, scratch, gemmNR, false, 0, kb, 0, nr)
}
