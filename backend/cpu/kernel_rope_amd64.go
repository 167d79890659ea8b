//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

// ropeVector is true when the AVX-512 RoPE loops can run.
var ropeVector = cpu.X86.HasAVX512F

// ropeHalfAVX512 rotates the first len(cos)&^15 split-half pairs of a row
// (see ropeRow); dst and x hold 2·len(cos) features.
//
//go:noescape
func ropeHalfAVX512(dst, x, cos, sin []float32)

// ropePairsAVX512 rotates the first len(cos)&^7 interleaved pairs of a
// row (see ropeRow).
//
//go:noescape
func ropePairsAVX512(dst, x, cos, sin []float32)
