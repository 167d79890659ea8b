//go:build !amd64 || noasm

package gemm

// available lists the kernels this build can run: only the portable one.
func available() []kernel { return []kernel{genericKernel} }

// packA14Fast has no portable fast path: it packs nothing.
func packA14Fast(d, a []float32, base, lda, kc int) int { return 0 }

// packA14PairsFast has no portable fast path: it packs nothing.
func packA14PairsFast(d, a []float32, base, lda, kc int) int { return 0 }

// packBTFast has no portable fast path: it packs nothing.
func packBTFast(d []float32, src []byte, off, ld, cols int, kind elemKind, words bool) int { return 0 }

// widenFast has no portable fast path: it widens nothing.
func widenFast(d []float32, src []byte, kind elemKind) int { return 0 }

// pairFast has no portable fast path: it fills nothing.
func pairFast(d []float32, lo, hi []byte) int { return 0 }

// f32Bytes is unused without assembly.
func f32Bytes(f []float32) []byte { return nil }

// copyPanelFast has no portable fast path: it copies nothing.
func copyPanelFast(d, src []float32, off, ld, kc int) bool { return false }
