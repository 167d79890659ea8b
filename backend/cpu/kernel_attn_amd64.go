//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

// attnVector is true when the AVX-512 softmax helpers of attention can run.
var attnVector = cpu.X86.HasAVX512F

// expSubAVX512 replaces row[j] by e^(row[j]-mx) for the first len(row)&^15
// elements (attnExp's reduction and polynomial, evaluated with FMA, 16
// lanes at a time) and adds lane j%16 of each block into acc[j%16].
//
//go:noescape
func expSubAVX512(row []float32, mx float32, acc *[16]float32)

// scaleMaxAVX512 replaces row[j] by row[j]·scale for the first
// len(row)&^15 elements and keeps the lane-wise maximum in acc.
//
//go:noescape
func scaleMaxAVX512(row []float32, scale float32, acc *[16]float32)
