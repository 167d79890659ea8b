// Package gemm is the CPU backend's float32 matrix multiply: a BLIS-style
// blocked GEMM with packed operands and register-blocked micro-kernels.
//
// Entry points: Sgemm (float32 operands), SgemmBF16B and SgemmF16B
// (half-precision B, typically weights, widened exactly to float32 while
// packing, never as a whole), and SgemmBF16Dot (bf16 products: A rounded
// to bf16, VDPBF16PS where the CPU has AVX512_BF16; faster, less exact).
//
// The loops, outermost first, are jc (columns of C in blocks of nc), pc
// (the k dimension in blocks of kc: 1024 with AVX-512, 256 otherwise), packing of B into kc×nr
// panels, then tiles of C (a few mr-row panels by the block's nr-column
// panels), each packing its rows of A into mr×kc panels and running the
// jr/ir loops over nr×mr tiles with a micro-kernel that keeps the tile in
// registers. Edge tiles run the same kernel on zero-padded panels into a
// scratch tile, so every element of C gets the same arithmetic.
//
// Micro-kernels (Go assembly written by gen_kernels.go): AVX-512F 14×32
// float32 FMA (4×32 when m ≤ 4, with the same per-element arithmetic, so a
// row of C never depends on how many rows a call computes), AVX512_BF16 14×32 over bf16 pairs (the instruction is
// hand-encoded since the Go assembler lacks it), AVX2+FMA 6×16, and a
// pure-Go 4×8 kernel used with the noasm build tag or when the CPU lacks
// AVX2/FMA. With AVX-512, packing also runs in assembly (16×16 in-register
// transposes, bf16/f16 widening on load). Kernel and BF16DotKernel report
// which kernels run.
//
// Determinism: the kc blocking depends only on k, every tile is
// accumulated from zero over one kc block in k order and then added to C,
// and parallel work is split only across disjoint tiles of C (goroutines
// take tiles from a shared counter, which balances load on a busy machine
// without changing any tile's arithmetic). So results are bit-identical
// for any number of goroutines and any pfor.
//
// Packing buffers come from a free list that keeps them for the life of
// the process (unlike sync.Pool, a garbage collection does not drop them),
// because memory touched for the first time is expensive on the target
// machines.
package gemm
