package cpu

import "sync"

// Blocking of the packed GEMM. The micro-kernel computes a gemmMR×gemmNR
// tile of C from a panel of A (gemmMR rows, packed p-major) and a panel of
// B (gemmNR columns, packed p-major) over at most gemmKC steps of k. In
// pure Go a 2×4 tile keeps its eight accumulators, the two A values and
// the four B values in the fifteen float registers the compiler may use,
// which is worth more than a bigger tile that spills.
const (
	gemmMR    = 2    // rows of the micro tile
	gemmNR    = 4    // columns of the micro tile
	gemmKC    = 256  // k-slab: the sum over k is split at fixed multiples of gemmKC
	gemmMC    = 64   // rows of A packed per work unit
	gemmNC    = 256  // columns of C per work unit
	gemmSlabN = 2048 // columns of B packed at once (a multiple of gemmNR)
)

// sgemm computes C = A·B (+ C when accumulate) for row-major float32
// matrices, serially, where A is m×k with row stride lda (or k×m when
// transA), B is k×n with row stride ldb (or n×k when transB), and C is m×n
// with row stride ldc. Reference loop:
//
//	for i := range m {
//		for j := range n {
//			var s float32
//			for p := range k {
//				s += A(i, p) * B(p, j)
//			}
//			C[i*ldc+j] = s (+ C[i*ldc+j] when accumulate)
//		}
//	}
//
// The implementation packs panels and sums each gemmKC-long slab of k in
// order, adding the slabs to C in order, so the result does not depend on
// how callers split m and n across goroutines.
func sgemm(m, n, k int, a []float32, lda int, transA bool, b []float32, ldb int, transB bool, c []float32, ldc int, accumulate bool) {
	gemm(serialFor, m, n, k, a, lda, transA, gemmB{f32: b, ld: ldb, trans: transB}, c, ldc, accumulate)
}

// gemmMacro multiplies a packed mb×kb block of A by a packed kb×nb block
// of B into C (row stride ldc), adding to C when acc. Reference loop:
//
//	for i := range mb {
//		for j := range nb {
//			var s float32
//			for p := range kb {
//				s += A(i, p) * B(p, j)
//			}
//			C[i*ldc+j] = s (+ C[i*ldc+j] when acc)
//		}
//	}
func gemmMacro(mb, nb, kb int, ap, bp, c []float32, ldc int, acc bool) {
	var t [gemmMR * gemmNR]float32
	for j := 0; j < nb; j += gemmNR {
		bpan := bp[j*kb : (j+gemmNR)*kb]
		nr := min(gemmNR, nb-j)
		for i := 0; i < mb; i += gemmMR {
			gemmMicro(kb, ap[i*kb:(i+gemmMR)*kb], bpan, &t)
			mr := min(gemmMR, mb-i)
			storeTile(&t, c[i*ldc+j:], ldc, mr, nr, acc)
		}
	}
}

// storeTile writes the mr×nr corner of tile t to C, adding when acc.
func storeTile(t *[gemmMR * gemmNR]float32, c []float32, ldc, mr, nr int, acc bool) {
	for i := range mr {
		row := c[i*ldc : i*ldc+nr]
		tr := t[i*gemmNR : i*gemmNR+nr]
		if acc {
			for j := range row {
				row[j] += tr[j]
			}
		} else {
			copy(row, tr)
		}
	}
}

// gemmMicro computes the gemmMR×gemmNR tile t = Ap·Bp over kb steps,
// where ap holds A as kb groups of gemmMR values (one per row) and bp holds
// B as kb groups of gemmNR values (one per column). Reference loop:
//
//	for i := range gemmMR {
//		for j := range gemmNR {
//			var s float32
//			for p := range kb {
//				s += ap[p*gemmMR+i] * bp[p*gemmNR+j]
//			}
//			t[i*gemmNR+j] = s
//		}
//	}
//
// The loop is unrolled four times; each accumulator still sums in p order.
func gemmMicro(kb int, ap, bp []float32, t *[gemmMR * gemmNR]float32) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	a := ap[:gemmMR*kb]
	b := bp[:gemmNR*kb]
	for len(a) >= 8 && len(b) >= 16 {
		a0, a1 := a[0], a[1]
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a0, a1 = a[2], a[3]
		b0, b1, b2, b3 = b[4], b[5], b[6], b[7]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a0, a1 = a[4], a[5]
		b0, b1, b2, b3 = b[8], b[9], b[10], b[11]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a0, a1 = a[6], a[7]
		b0, b1, b2, b3 = b[12], b[13], b[14], b[15]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a = a[8:]
		b = b[16:]
	}
	for len(a) >= 2 && len(b) >= 4 {
		a0, a1 := a[0], a[1]
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a = a[2:]
		b = b[4:]
	}
	*t = [gemmMR * gemmNR]float32{c00, c01, c02, c03, c10, c11, c12, c13}
}

// packA copies rows [i0, i0+mb) and columns [p0, p0+kb) of A (m×k with row
// stride lda, or k×m when transA) into dst as panels of gemmMR rows, each
// panel kb groups of gemmMR values; rows past mb are zero. Reference loop:
//
//	for i := range roundUp(mb, gemmMR) {
//		for p := range kb {
//			dst[(i/gemmMR)*gemmMR*kb + p*gemmMR + i%gemmMR] = A(i0+i, p0+p) or 0
//		}
//	}
func packA(dst, a []float32, lda int, transA bool, i0, mb, p0, kb int) {
	for i := 0; i < mb; i += gemmMR {
		pan := dst[i*kb : (i+gemmMR)*kb]
		mr := min(gemmMR, mb-i)
		if mr < gemmMR {
			clear(pan)
		}
		for r := range mr {
			if transA {
				col := (i0 + i + r)
				for p := range kb {
					pan[p*gemmMR+r] = a[(p0+p)*lda+col]
				}
				continue
			}
			row := a[(i0+i+r)*lda+p0 : (i0+i+r)*lda+p0+kb]
			for p, v := range row {
				pan[p*gemmMR+r] = v
			}
		}
	}
}

// packB copies rows [p0, p0+kb) and columns [j0, j0+nb) of B (k×n with row
// stride ldb, or n×k when transB) into dst as panels of gemmNR columns,
// each panel kb groups of gemmNR values; columns past nb are zero.
// Reference loop:
//
//	for j := range roundUp(nb, gemmNR) {
//		for p := range kb {
//			dst[(j/gemmNR)*gemmNR*kb + p*gemmNR + j%gemmNR] = B(p0+p, j0+j) or 0
//		}
//	}
func packB(dst, b []float32, ldb int, transB bool, p0, kb, j0, nb int) {
	for j := 0; j < nb; j += gemmNR {
		packBPanel(dst[j*kb:(j+gemmNR)*kb], b, ldb, transB, p0, kb, j0+j, min(gemmNR, nb-j))
	}
}

// packBPanel packs the nr (<= gemmNR) columns from j of rows [p0, p0+kb)
// of B into one panel of packB's layout.
func packBPanel(pan, b []float32, ldb int, transB bool, p0, kb, j, nr int) {
	if nr < gemmNR {
		clear(pan)
	}
	if transB {
		for c := range nr {
			row := b[(j+c)*ldb+p0 : (j+c)*ldb+p0+kb]
			for p, v := range row {
				pan[p*gemmNR+c] = v
			}
		}
		return
	}
	if nr == gemmNR {
		for p := range kb {
			src := b[(p0+p)*ldb+j : (p0+p)*ldb+j+gemmNR]
			d := pan[p*gemmNR : p*gemmNR+gemmNR]
			d[0], d[1], d[2], d[3] = src[0], src[1], src[2], src[3]
		}
		return
	}
	for p := range kb {
		copy(pan[p*gemmNR:p*gemmNR+nr], b[(p0+p)*ldb+j:(p0+p)*ldb+j+nr])
	}
}

func roundUp(n, m int) int { return (n + m - 1) / m * m }

// packFree recycles packing buffers between calls and goroutines. Unlike a
// sync.Pool it is not emptied by garbage collection: memory touched for the
// first time is expensive here (a page fault per 4 KiB), so buffers are
// allocated once and kept. At most maxPackFree idle buffers are kept; a
// call holds at most two per goroutine.
var packFree struct {
	sync.Mutex
	bufs []*[]float32
}

const maxPackFree = 64

// Packing buffers come in two sizes, so that any idle buffer of a class
// serves any request of it and the set of buffers stops growing once the
// busiest call has run: a panel of A, and a k-slab of up to gemmSlabN
// columns of B.
const (
	packSmall = gemmMC * gemmKC
	packLarge = gemmKC * gemmSlabN
)

// getPack returns a buffer of n float32s (n <= packLarge), taking the
// smallest idle buffer that fits.
func getPack(n int) *[]float32 {
	packFree.Lock()
	best := -1
	for i, p := range packFree.bufs {
		if cap(*p) >= n && (best < 0 || cap(*p) < cap(*packFree.bufs[best])) {
			best = i
		}
	}
	if best >= 0 {
		p := packFree.bufs[best]
		packFree.bufs = append(packFree.bufs[:best], packFree.bufs[best+1:]...)
		packFree.Unlock()
		*p = (*p)[:n]
		return p
	}
	packFree.Unlock()
	size := packSmall
	if n > size {
		size = packLarge
	}
	buf := make([]float32, n, max(n, size))
	return &buf
}

// putPack returns a buffer from getPack.
func putPack(p *[]float32) {
	packFree.Lock()
	if len(packFree.bufs) < maxPackFree {
		packFree.bufs = append(packFree.bufs, p)
	}
	packFree.Unlock()
}
