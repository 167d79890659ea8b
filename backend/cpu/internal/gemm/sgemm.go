package gemm

import "fmt"

// Sgemm computes C = A·B (+ C when accumulate) for row-major float32
// matrices: A is m×k with row stride lda (k×m when transA), B is k×n with
// row stride ldb (n×k when transB) and C is m×n with row stride ldc.
// Reference loop (the kernels use fused multiply-adds and sum each k
// block of at most 256 terms from zero before adding it to C):
//
//	for i := range m {
//		for j := range n {
//			var s float32
//			for p := range k {
//				s += A(i, p) * B(p, j) // A(i,p) = a[i*lda+p], or a[p*lda+i] when transA
//			}
//			if accumulate {
//				s += c[i*ldc+j]
//			}
//			c[i*ldc+j] = s
//		}
//	}
//
// pfor splits work: pfor(n, grain, fn) must call fn(lo, hi) over disjoint
// ranges covering [0, n), possibly concurrently; nil runs serially. The
// result is bit-identical for every pfor.
func Sgemm(pfor func(n, grain int, fn func(lo, hi int)), m, n, k int, a []float32, lda int, transA bool, b []float32, ldb int, transB bool, c []float32, ldc int, accumulate bool) {
	checkB(k, n, len(b), ldb, transB)
	run(pfor, m, n, k, a, lda, transA, &matB{f32: b, kind: f32, ld: ldb, trans: transB}, c, ldc, accumulate)
}

// SgemmBF16B is Sgemm with B given as little-endian bfloat16 bytes (ldb
// in elements). B is widened exactly to float32 while packing, so the
// result equals Sgemm on the widened B; A is never rounded to bf16.
func SgemmBF16B(pfor func(n, grain int, fn func(lo, hi int)), m, n, k int, a []float32, lda int, transA bool, b []byte, ldb int, transB bool, c []float32, ldc int, accumulate bool) {
	checkB(k, n, len(b)/2, ldb, transB)
	run(pfor, m, n, k, a, lda, transA, &matB{raw: b, kind: bf16, ld: ldb, trans: transB}, c, ldc, accumulate)
}

// SgemmF16B is Sgemm with B given as little-endian IEEE binary16 bytes
// (ldb in elements), widened exactly to float32 while packing.
func SgemmF16B(pfor func(n, grain int, fn func(lo, hi int)), m, n, k int, a []float32, lda int, transA bool, b []byte, ldb int, transB bool, c []float32, ldc int, accumulate bool) {
	checkB(k, n, len(b)/2, ldb, transB)
	run(pfor, m, n, k, a, lda, transA, &matB{raw: b, kind: f16, ld: ldb, trans: transB}, c, ldc, accumulate)
}

// checkB panics unless a B operand of size elements covers k×n (n×k when
// trans) with row stride ld.
func checkB(k, n, size, ld int, trans bool) {
	rows, cols := k, n
	if trans {
		rows, cols = n, k
	}
	checkMat("B", rows, cols, size, ld)
}

// checkMat panics unless a row-major rows×cols matrix with row stride ld
// fits in size elements.
func checkMat(name string, rows, cols, size, ld int) {
	if rows < 0 || cols < 0 || ld < cols || (rows > 0 && cols > 0 && size < (rows-1)*ld+cols) {
		panic(fmt.Sprintf("gemm: %s is %d×%d with stride %d but holds %d elements", name, rows, cols, ld, size))
	}
}

// serialFlops is the work below which Sgemm ignores pfor.
const serialFlops = 1 << 20

// run is the blocked driver shared by the Sgemm variants.
func run(pfor func(n, grain int, fn func(lo, hi int)), m, n, k int, a []float32, lda int, transA bool, b *matB, c []float32, ldc int, accumulate bool) {
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
		if !accumulate {
			for i := range m {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	if 2*m*n*k < serialFlops {
		pfor = nil
	}
	g := job{kern: active, m: m, a: a, lda: lda, transA: transA, c: c, ldc: ldc}
	g.run(pfor, n, k, b, accumulate)
}

// job holds one Sgemm call's operands and its current block.
type job struct {
	kern   kernel
	m      int
	a      []float32
	lda    int
	transA bool
	c      []float32
	ldc    int

	bp         []float32 // packed B block
	jc, nc     int       // current column block
	pc, kc     int       // current k block
	add        bool      // add the block's products to C
	nPanels    int       // nr-panels in the column block
	mPanelsAll int       // mr-panels over all m rows
}

// split returns ceil(total/max) blocks of nearly equal size, each a
// multiple of unit except the last.
func split(total, maxBlock, unit int) int {
	blocks := (total + maxBlock - 1) / maxBlock
	size := (total + blocks - 1) / blocks
	return (size + unit - 1) / unit * unit
}

func (g *job) run(pfor func(n, grain int, fn func(lo, hi int)), n, k int, b *matB, accumulate bool) {
	kn := g.kern
	mr, nr := kn.mr, kn.nr
	kcStep := split(k, kn.kc, 1) // depends on k only: fixes the summation order
	ncStep := split(n, kn.nc, nr)
	g.bp = buffers.get(kcStep * ncStep)
	defer buffers.put(g.bp)
	g.mPanelsAll = (g.m + mr - 1) / mr
	for g.jc = 0; g.jc < n; g.jc += ncStep {
		g.nc = min(ncStep, n-g.jc)
		g.nPanels = (g.nc + nr - 1) / nr
		for g.pc = 0; g.pc < k; g.pc += kcStep {
			g.kc = min(kcStep, k-g.pc)
			g.add = accumulate || g.pc > 0
			parallel(pfor, g.nPanels, max(1, 16384/(g.kc*nr)), func(lo, hi int) {
				packB(g.bp, b, nr, g.pc, g.kc, g.jc, g.nc, lo, hi)
			})
			if g.mPanelsAll >= g.nPanels || g.mPanelsAll >= 8 {
				parallel(pfor, g.mPanelsAll, 1, func(lo, hi int) {
					g.block(lo*mr, min(hi*mr, g.m), 0, g.nPanels)
				})
			} else {
				parallel(pfor, g.nPanels, 1, func(lo, hi int) {
					g.block(0, g.m, lo, hi)
				})
			}
		}
	}
}

// parallel calls fn over [0, n) through pfor, or directly when pfor is nil.
func parallel(pfor func(n, grain int, fn func(lo, hi int)), n, grain int, fn func(lo, hi int)) {
	if pfor == nil || n <= grain {
		fn(0, n)
		return
	}
	pfor(n, grain, fn)
}

// maxTile bounds mr*nr over all kernels.
const maxTile = 14 * 32

// block computes rows i0..i1-1 of C against B panels q0..q1-1 of the
// current packed block: the ic, jr and ir loops.
func (g *job) block(i0, i1, q0, q1 int) {
	kn := g.kern
	mr, nr, kc := kn.mr, kn.nr, g.kc
	ap := buffers.get(kn.mc * kc)
	defer buffers.put(ap)
	var tmp [maxTile]float32
	for ic := i0; ic < i1; ic += kn.mc {
		mc := min(kn.mc, i1-ic)
		packA(ap, g.a, g.lda, g.transA, mr, ic, mc, g.pc, kc)
		for q := q0; q < q1; q++ {
			j0 := g.jc + q*nr
			w := min(nr, g.jc+g.nc-j0)
			bq := g.bp[q*kc*nr : (q+1)*kc*nr]
			for r := 0; r*mr < mc; r++ {
				ar := ap[r*kc*mr : (r+1)*kc*mr]
				i := ic + r*mr
				h := min(mr, mc-r*mr)
				if h == mr && w == nr {
					kn.fn(kc, ar, bq, g.c[i*g.ldc+j0:], g.ldc, g.add)
					continue
				}
				kn.fn(kc, ar, bq, tmp[:], nr, false)
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
			}
		}
	}
}
