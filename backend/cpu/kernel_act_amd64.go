//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

// actAsmSets returns the assembly activation kernels this CPU can run,
// fastest first: AVX-512, then AVX2 with FMA.
func actAsmSets() []actSet {
	var sets []actSet
	if cpu.X86.HasAVX512F {
		sets = append(sets, actSet{"avx512", expAVX512, sigmoidAVX512, siluAVX512, geluTanhAVX512, snakeAVX512})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		sets = append(sets, actSet{"avx2", expAVX2, sigmoidAVX2, siluAVX2, geluTanhAVX2, snakeAVX2})
	}
	return sets
}

// The assembly kernels compute all len(dst) elements (the tail under a
// lane mask); src must be at least as long as dst. The snake kernels
// report whether any element had |a·x[t]| > sin32Max (Inf and NaN
// included), leaving those to snakeFixLarge.

//go:noescape
func expAVX512(dst, src []float32)

//go:noescape
func sigmoidAVX512(dst, src []float32)

//go:noescape
func siluAVX512(dst, src []float32)

//go:noescape
func geluTanhAVX512(dst, src []float32)

//go:noescape
func snakeAVX512(dst, x []float32, a, inv float32) (large bool)

//go:noescape
func expAVX2(dst, src []float32)

//go:noescape
func sigmoidAVX2(dst, src []float32)

//go:noescape
func siluAVX2(dst, src []float32)

//go:noescape
func geluTanhAVX2(dst, src []float32)

//go:noescape
func snakeAVX2(dst, x []float32, a, inv float32) (large bool)
