package cpu

import (
	"github.com/lockstep-av/lockstep/backend"
	fastgemm "github.com/lockstep-av/lockstep/backend/cpu/internal/gemm"
)

// fastGEMM is true when package gemm has an assembly kernel for this CPU
// (AVX-512 or AVX2+FMA). Under -tags noasm, or on other CPUs, gemm reports
// its generic kernel and the pure-Go packed GEMM of this package runs
// instead (it is the faster of the two portable paths).
var fastGEMM = fastgemm.Kernel() != "generic"

// GEMMKernel names the GEMM kernel in use, for benchmarks and logs.
func GEMMKernel() string {
	if fastGEMM {
		return fastgemm.Kernel()
	}
	return "go-2x4"
}

// gemm computes C = A·B (+ C when accumulate) like sgemm, splitting the
// tiles of C over pfor; B may be F32 values or raw F16/BF16 storage (with
// b.dot, BF16 B goes through bf16 dot products on a bf16-rounded A). Each
// element of C is summed in the same order whatever the split, on either
// path.
func gemm(pfor parallelFunc, m, n, k int, a []float32, lda int, transA bool, b gemmB, c []float32, ldc int, accumulate bool) {
	if !fastGEMM {
		gemmGo(pfor, m, n, k, a, lda, transA, b, c, ldc, accumulate)
		return
	}
	switch {
	case b.raw == nil:
		fastgemm.Sgemm(pfor, m, n, k, a, lda, transA, b.f32, b.ld, b.trans, c, ldc, accumulate)
	case b.dt == backend.BF16 && b.dot:
		fastgemm.SgemmBF16Dot(pfor, m, n, k, a, lda, transA, b.raw, b.ld, b.trans, c, ldc, accumulate)
	case b.dt == backend.BF16:
		fastgemm.SgemmBF16B(pfor, m, n, k, a, lda, transA, b.raw, b.ld, b.trans, c, ldc, accumulate)
	case b.dt == backend.F16:
		fastgemm.SgemmF16B(pfor, m, n, k, a, lda, transA, b.raw, b.ld, b.trans, c, ldc, accumulate)
	default:
		panic("cpu: gemm: invalid B dtype " + b.dt.String())
	}
}

// gemmBias computes C = A·B + bias (bias[j] added to column j of every
// row of C, len(bias) >= n) like gemm. With the assembly kernels the bias
// is added to each tile of C as it is finished (fastgemm.SgemmBias); the
// portable path starts C's rows as the bias and accumulates the product.
// Either way, with one k block the result has the bits of gemm followed by
// adding the bias.
func gemmBias(pfor parallelFunc, m, n, k int, a []float32, lda int, transA bool, b gemmB, c []float32, ldc int, bias []float32) {
	if !fastGEMM {
		pfor(m, max(1, elemGrain/max(n, 1)), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				copy(c[i*ldc:i*ldc+n], bias[:n])
			}
		})
		gemmGo(pfor, m, n, k, a, lda, transA, b, c, ldc, true)
		return
	}
	fastgemm.SgemmBias(pfor, m, n, k, a, lda, transA,
		fastgemm.B{F32: b.f32, Raw: b.raw, DType: b.dt, LD: b.ld, Trans: b.trans, Dot: b.dot}, c, ldc, bias)
}
