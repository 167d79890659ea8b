package gemm

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
)

// Sgemm computes C = A·B (+ C when accumulate) for row-major float32
// matrices: A is m×k with row stride lda (k×m when transA), B is k×n with
// row stride ldb (n×k when transB) and C is m×n with row stride ldc.
// Reference loop (the kernels use fused multiply-adds, and sum each k
// block, of at most 1024 terms with AVX-512 and 256 otherwise, from zero
// before adding it to C):
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
// result is bit-identical for every pfor. C must not overlap A or B. A
// slice too short for its shape and stride panics with a
// *backend.ShapeError (programmer error).
func Sgemm(pfor func(n, grain int, fn func(lo, hi int)), m, n, k int, a []float32, lda int, transA bool, b []float32, ldb int, transB bool, c []float32, ldc int, accumulate bool) {
	checkB(k, n, len(b), ldb, transB)
	run(pfor, active, false, m, n, k, a, lda, transA, &matB{f32: b, kind: f32, ld: ldb, trans: transB}, c, ldc, accumulate, nil)
}

// SgemmBF16B is Sgemm with B given as little-endian bfloat16 bytes (ldb
// in elements). B is widened exactly to float32 while packing, so the
// result equals Sgemm on the widened B; A is never rounded to bf16.
func SgemmBF16B(pfor func(n, grain int, fn func(lo, hi int)), m, n, k int, a []float32, lda int, transA bool, b []byte, ldb int, transB bool, c []float32, ldc int, accumulate bool) {
	checkB(k, n, len(b)/2, ldb, transB)
	run(pfor, active, false, m, n, k, a, lda, transA, &matB{raw: b, kind: bf16, ld: ldb, trans: transB}, c, ldc, accumulate, nil)
}

// SgemmBF16Dot computes C = bf16(A)·B (+ C when accumulate) with B given
// as little-endian bfloat16 bytes, trading accuracy for speed: A is
// rounded to bfloat16 (nearest even) while packing, and on CPUs with
// AVX512_BF16 the products are summed in pairs along k by VDPBF16PS,
// which also flushes denormal inputs and results to zero. Without that
// instruction it runs the float32 kernels on the rounded A, so results
// agree to bf16-product accuracy but not bit for bit across CPUs. For a
// given CPU they are bit-identical for every pfor. BF16DotKernel names
// the kernel used.
func SgemmBF16Dot(pfor func(n, grain int, fn func(lo, hi int)), m, n, k int, a []float32, lda int, transA bool, b []byte, ldb int, transB bool, c []float32, ldc int, accumulate bool) {
	checkB(k, n, len(b)/2, ldb, transB)
	kn, round := active, true
	if bf16Dot != nil {
		kn, round = *bf16Dot, false
	}
	run(pfor, kn, round, m, n, k, a, lda, transA, &matB{raw: b, kind: bf16, ld: ldb, trans: transB}, c, ldc, accumulate, nil)
}

// BF16DotKernel names the kernel SgemmBF16Dot uses: "avx512bf16", or
// the float32 kernel's name when the CPU lacks AVX512_BF16.
func BF16DotKernel() string {
	if bf16Dot != nil {
		return bf16Dot.name
	}
	return active.name
}

// SgemmF16B is Sgemm with B given as little-endian IEEE binary16 bytes
// (ldb in elements), widened exactly to float32 while packing.
func SgemmF16B(pfor func(n, grain int, fn func(lo, hi int)), m, n, k int, a []float32, lda int, transA bool, b []byte, ldb int, transB bool, c []float32, ldc int, accumulate bool) {
	checkB(k, n, len(b)/2, ldb, transB)
	run(pfor, active, false, m, n, k, a, lda, transA, &matB{raw: b, kind: f16, ld: ldb, trans: transB}, c, ldc, accumulate, nil)
}

// B is a B operand of SgemmBias: float32 values (F32) or little-endian
// bfloat16 / binary16 bytes (Raw, with DType backend.BF16 or F16), row
// stride LD in elements, transposed (n×k) when Trans. Dot selects
// SgemmBF16Dot's arithmetic for a BF16 operand.
type B struct {
	F32   []float32
	Raw   []byte
	DType backend.DType
	LD    int
	Trans bool
	Dot   bool
}

// SgemmBias computes C = A·B + bias (bias[j] added to column j of every
// row, len(bias) >= n) with the arithmetic of the Sgemm variant that b
// selects (Sgemm, SgemmBF16B, SgemmF16B or SgemmBF16Dot). The bias is
// added to each tile of C right after its first k block, while the tile
// is in cache: with k up to the kernel's k block (1024 on AVX-512, 256
// otherwise) every element is the rounded product plus the bias, the
// bits of the variant followed by a separate addition.
func SgemmBias(pfor func(n, grain int, fn func(lo, hi int)), m, n, k int, a []float32, lda int, transA bool, b B, c []float32, ldc int, bias []float32) {
	if len(bias) < n {
		panic(&backend.ShapeError{Op: "gemm", Shapes: [][]int{{len(bias)}}, Msg: fmt.Sprintf("bias has %d values for %d columns", len(bias), n)})
	}
	kn, round := active, false
	mb := &matB{f32: b.F32, raw: b.Raw, kind: f32, ld: b.LD, trans: b.Trans}
	switch {
	case b.Raw == nil:
		checkB(k, n, len(b.F32), b.LD, b.Trans)
	case b.DType == backend.BF16:
		checkB(k, n, len(b.Raw)/2, b.LD, b.Trans)
		mb.kind = bf16
		if b.Dot {
			round = true
			if bf16Dot != nil {
				kn, round = *bf16Dot, false
			}
		}
	case b.DType == backend.F16:
		checkB(k, n, len(b.Raw)/2, b.LD, b.Trans)
		mb.kind = f16
	default:
		panic("gemm: SgemmBias: B dtype " + b.DType.String())
	}
	run(pfor, kn, round, m, n, k, a, lda, transA, mb, c, ldc, false, bias[:n])
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

// checkMat panics with a *backend.ShapeError unless a row-major
// rows×cols matrix with row stride ld fits in size elements.
func checkMat(name string, rows, cols, size, ld int) {
	if rows < 0 || cols < 0 || ld < cols || (rows > 0 && cols > 0 && size < (rows-1)*ld+cols) {
		panic(&backend.ShapeError{
			Op:     "gemm",
			Shapes: [][]int{{rows, cols}},
			Msg:    fmt.Sprintf("%s is %d×%d with stride %d but holds %d elements", name, rows, cols, ld, size),
		})
	}
}
