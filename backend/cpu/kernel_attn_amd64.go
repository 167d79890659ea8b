//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

// attnVector is true when the AVX-512 softmax helpers of attention can run.
var attnVector = cpu.X86.HasAVX512F

// expSubAVX512 replaces row[j] by e^(row[j]-mx) for every element
// (attnExp's reduction and polynomial, evaluated with FMA, 16 lanes at a
// time, the last partial block under a lane mask; NaN stays NaN) and adds element j into
// acc[j%16].
//
//go:noescape
func expSubAVX512(row []float32, mx float32, acc *[16]float32)

// scaleMaxAVX512 replaces row[j] by row[j]·scale for every element (the
// last partial block under a lane mask) and keeps the lane-wise maximum in
// acc.
//
//go:noescape
func scaleMaxAVX512(row []float32, scale float32, acc *[16]float32)

// attnRowAVX512 is the softmax step of one unmasked score row: it replaces
// row[j] by row[j]·scale, takes mx = max(mprev, max_j row[j]) (NaN scores
// ignored, a NaN mprev kept) and, unless mx is -Inf, replaces row[j] by
// e^(row[j]-mx) (expSubAVX512's arithmetic, NaN for a NaN score or mx) and
// returns their sum, taken in 16 lanes
// (lane j%16) combined pairwise (lane i += lane i+8, i+4, i+2, i+1). The
// last partial 16-lane block runs under a mask.
//
//go:noescape
func attnRowAVX512(row []float32, scale, mprev float32) (mx, sum float32)
