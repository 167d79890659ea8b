//go:build amd64 && !noasm

package gemm

import "golang.org/x/sys/cpu"

// fastBias reports whether addBiasAVX512 may run.
var fastBias = cpu.X86.HasAVX512F

// addBiasAVX512 adds the first 16·n16 values of bias to rows ≥ 1 rows of
// c with row stride ldc (bias_avx512_amd64.s); n16 ≥ 1.
//
//go:noescape
func addBiasAVX512(c *float32, ldc int, bias *float32, rows, n16 int)
