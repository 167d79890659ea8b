package gemm

// serialFlops is the work below which the driver ignores pfor.
const serialFlops = 1 << 20

// maxTile bounds mr*nr over all kernels.
const maxTile = 14 * 32

// targetTasks is how many tiles of C each k block is cut into (when the
// shape allows) so that goroutines can balance load dynamically.
const targetTasks = 16

// run is the blocked driver shared by the Sgemm variants: kn computes the
// tiles; roundA rounds A to bf16 while packing (for the bf16 fallback).
func run(pfor func(n, grain int, fn func(lo, hi int)), kn kernel, roundA bool, m, n, k int, a []float32, lda int, transA bool, b *matB, c []float32, ldc int, accumulate bool, bias []float32) {
	if transA {
		checkMat("A", k, m, len(a), lda)
	} else {
		checkMat("A", m, k, len(a), lda)
	}
	checkMat("C", m, n, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := range m {
			if !accumulate {
				clear(c[i*ldc : i*ldc+n])
			}
			if bias != nil {
				addBias(c[i*ldc:], ldc, bias[:n], 1)
			}
		}
		return
	}
	if 2*m*n*k < serialFlops {
		pfor = nil
	}
	if kn.small != nil && m <= smallM {
		kn = *kn.small
	}
	g := job{kern: kn, roundA: roundA, m: m, a: a, lda: lda, transA: transA, b: b, c: c, ldc: ldc, bias: bias}
	g.run(pfor, n, k, accumulate)
}

// job holds one call's operands and its current block.
type job struct {
	kern   kernel
	roundA bool
	m      int
	a      []float32
	lda    int
	transA bool
	b      *matB
	c      []float32
	ldc    int
	bias   []float32 // added to each row of C after the first k block (nil: none)

	bp      []float32 // packed B block
	jc, nc  int       // current column block
	pc, kc  int       // current k block
	steps   int       // kernel steps in the k block: kc, or ceil(kc/2) for pair kernels
	add     bool      // add the block's products to C
	nPanels int       // nr-panels in the column block
}

// split returns the size of ceil(total/maxBlock) nearly equal blocks,
// rounded up to a multiple of unit.
func split(total, maxBlock, unit int) int {
	blocks := (total + maxBlock - 1) / maxBlock
	size := (total + blocks - 1) / blocks
	return (size + unit - 1) / unit * unit
}

// kSteps is the number of kernel steps for kc values of k.
func (kn *kernel) kSteps(kc int) int {
	if kn.pairs {
		return (kc + 1) / 2
	}
	return kc
}

// run executes the jc and pc loops; each k block packs B (unless fused)
// and then computes tiles of C as tasks spread over pfor.
func (g *job) run(pfor func(n, grain int, fn func(lo, hi int)), n, k int, accumulate bool) {
	kn := g.kern
	mr, nr := kn.mr, kn.nr
	unit := 1
	if kn.pairs {
		unit = 2
	}
	kcStep := split(k, kn.kc, unit) // depends on k only: fixes the summation order
	ncStep := split(n, kn.nc, nr)

	// Tasks are rectangles of mPer mr-panels by nPer nr-panels.
	mPanels := (g.m + mr - 1) / mr
	mPer := min(max(mPanels/targetTasks, 1), kn.mc/mr)
	mTasks := (mPanels + mPer - 1) / mPer
	// With a single row task each B panel is used once: tasks pack their
	// own panels into a small buffer that stays in cache instead of
	// writing the whole block first.
	fused := mTasks == 1
	if !fused {
		g.bp = buffers.get(kn.kSteps(kcStep) * ncStep)
		defer buffers.put(g.bp)
	}
	for g.jc = 0; g.jc < n; g.jc += ncStep {
		g.nc = min(ncStep, n-g.jc)
		g.nPanels = (g.nc + nr - 1) / nr
		nPer := g.nPanels
		if mTasks < targetTasks {
			nPer = (g.nPanels*mTasks + targetTasks - 1) / targetTasks
		}
		nTasks := (g.nPanels + nPer - 1) / nPer
		for g.pc = 0; g.pc < k; g.pc += kcStep {
			g.kc = min(kcStep, k-g.pc)
			g.steps = kn.kSteps(g.kc)
			g.add = accumulate || g.pc > 0
			if !fused {
				const bChunk = 4 // panels per packing task
				dynamic(pfor, (g.nPanels+bChunk-1)/bChunk, 0, func(_ []float32, t int) {
					q0, q1 := t*bChunk, min((t+1)*bChunk, g.nPanels)
					g.packB(g.bp[q0*g.steps*nr:], q0, q1)
				})
			}
			scratch := mPer*mr*g.steps + maxTile
			if fused {
				scratch += g.steps * nr
			}
			dynamic(pfor, mTasks*nTasks, scratch, func(buf []float32, t int) {
				mi, ni := t/nTasks, t%nTasks
				g.block(buf, fused, mi*mPer*mr, min((mi+1)*mPer*mr, g.m), ni*nPer, min((ni+1)*nPer, g.nPanels))
			})
		}
	}
}

// packB packs panels q0..q1-1 of the current B block into dst.
func (g *job) packB(dst []float32, q0, q1 int) {
	if g.kern.pairs {
		packBPairs(dst, g.b, g.kern.nr, g.pc, g.kc, g.jc, g.nc, q0, q1)
	} else {
		packB(dst, g.b, g.kern.nr, g.pc, g.kc, g.jc, g.nc, q0, q1)
	}
}

// block computes rows i0..i1-1 of C against B panels q0..q1-1 of the
// current block (the jr and ir loops), packing those rows of A into buf
// first; buf holds the packed rows, then (when fused) a B panel that each
// panel is packed into just before use (else panels come from g.bp), then
// a scratch tile.
func (g *job) block(buf []float32, fused bool, i0, i1, q0, q1 int) {
	kn := g.kern
	mr, nr, ks := kn.mr, kn.nr, g.steps
	mc := i1 - i0
	tmp := buf[len(buf)-maxTile:]
	ap := buf[:len(buf)-maxTile]
	var panel []float32
	if fused {
		panel = ap[len(ap)-ks*nr:]
		ap = ap[:len(ap)-ks*nr]
	}
	if kn.pairs {
		packAPairs(ap, g.a, g.lda, g.transA, mr, i0, mc, g.pc, g.kc)
	} else {
		packA(ap, g.a, g.lda, g.transA, g.roundA, mr, i0, mc, g.pc, g.kc)
	}
	for q := q0; q < q1; q++ {
		j0 := g.jc + q*nr
		w := min(nr, g.jc+g.nc-j0)
		var bq []float32
		if fused {
			g.packB(panel, q, q+1)
			bq = panel
		} else {
			bq = g.bp[q*ks*nr : (q+1)*ks*nr]
		}
		for r := 0; r*mr < mc; r++ {
			ar := ap[r*ks*mr : (r+1)*ks*mr]
			i := i0 + r*mr
			h := min(mr, mc-r*mr)
			if h == mr && w == nr {
				kn.fn(ks, ar, bq, g.c[i*g.ldc+j0:], g.ldc, g.add)
				if g.bias != nil && g.pc == 0 {
					addBias(g.c[i*g.ldc+j0:], g.ldc, g.bias[j0:j0+w], h)
				}
				continue
			}
			// Edge tile: the same kernel into a scratch tile, then the
			// same final addition as the kernel's.
			kn.fn(ks, ar, bq, tmp, nr, false)
			for ii := range h {
				row := g.c[(i+ii)*g.ldc+j0:][:w]
				t := tmp[ii*nr:][:w]
				if g.add {
					for j := range row {
						row[j] += t[j]
					}
				} else {
					copy(row, t)
				}
			}
			if g.bias != nil && g.pc == 0 {
				addBias(g.c[i*g.ldc+j0:], g.ldc, g.bias[j0:j0+w], h)
			}
		}
	}
}
