package cpu

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
// The summation order over p is fixed, so the result does not depend on
// how callers split m and n across goroutines.
func sgemm(m, n, k int, a []float32, lda int, transA bool, b []float32, ldb int, transB bool, c []float32, ldc int, accumulate bool) {
	for i := range m {
		for j := range n {
			var s float32
			for p := range k {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if accumulate {
				s += c[i*ldc+j]
			}
			c[i*ldc+j] = s
		}
	}
}
