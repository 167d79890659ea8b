//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

// normAsm returns the AVX-512 row kernels, or nil without AVX-512.
func normAsm() *normKernels {
	if !cpu.X86.HasAVX512F {
		return nil
	}
	return &normKernels{
		sum:   normSumAVX512,
		sqDev: normSqDevAVX512,
		norm:  normRowAVX512,
		normW: normRowWAVX512,
		normB: normRowWBAVX512,
	}
}

//go:noescape
func normSumAVX512(x []float32) float64

//go:noescape
func normSqDevAVX512(x []float32, mean float64) float64

//go:noescape
func normRowAVX512(dst, row []float32, mean, rstd float32)

//go:noescape
func normRowWAVX512(dst, row []float32, mean, rstd float32, w []float32)

//go:noescape
func normRowWBAVX512(dst, row []float32, mean, rstd float32, w, b []float32)
