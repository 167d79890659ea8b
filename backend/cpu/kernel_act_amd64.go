//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

// actVector is true when the AVX-512 activation kernels can run.
var actVector = cpu.X86.HasAVX512F

// expAVX512 is expBlock32 on AVX-512 for all len(dst) elements (src must
// be at least as long).
//
//go:noescape
func expAVX512(dst, src []float32)

// sigmoidAVX512 is sigmoidBlock32 on AVX-512.
//
//go:noescape
func sigmoidAVX512(dst, src []float32)

// siluAVX512 is siluBlock32 on AVX-512.
//
//go:noescape
func siluAVX512(dst, src []float32)

// geluTanhAVX512 is geluTanhBlock32 on AVX-512.
//
//go:noescape
func geluTanhAVX512(dst, src []float32)

// snakeAVX512 is snakeRow32 on AVX-512 for the elements with
// |a·x[t]| <= sin32Max; it reports whether any element (Inf and NaN
// included) was outside, leaving those to snakeFixLarge.
//
//go:noescape
func snakeAVX512(dst, x []float32, a, inv float32) (large bool)
