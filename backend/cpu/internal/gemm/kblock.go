package gemm

// KBlock returns the size of the k blocks Sgemm splits a depth of k into
// with the active float32 kernel (the last block may be shorter): each
// element of C is the sum, in block order, of per-block sums that the
// kernel accumulates from zero with fused multiply-adds in k order. Code
// outside this package that must reproduce Sgemm's results bit for bit
// (the CPU backend's direct convolution) blocks k the same way.
func KBlock(k int) int {
	if k <= 0 {
		return 0
	}
	return split(k, active.kc, 1)
}
