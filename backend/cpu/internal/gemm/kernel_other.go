//go:build !amd64 || noasm

package gemm

// available lists the kernels this build can run: only the portable one.
func available() []kernel { return []kernel{genericKernel} }

// packA14Fast has no portable fast path: it packs nothing.
func packA14Fast(d, a []float32, base, lda, kc int) int { return 0 }

// packA14PairsFast has no portable fast path: it packs nothing.
func packA14PairsFast(d, a []float32, base, lda, kc int) int { return 0 }
