// Package gemm is the CPU backend's float32 matrix multiply: a BLIS-style
// blocked GEMM with packed operands and register-blocked micro-kernels.
//
// The loops, outermost first, are jc (columns of C in blocks of nc), pc
// (the k dimension in blocks of kc), packing of B into kc×nr panels, ic
// (rows of C in blocks of mc), packing of A into mr×kc panels, and then
// the jr/ir loops over nr×mr tiles, each computed by a micro-kernel that
// keeps the tile in registers. Edge tiles run the same kernel on
// zero-padded panels into a scratch tile, so every element of C gets the
// same arithmetic.
//
// Micro-kernels: AVX-512F (14×32 tile, Go assembly), AVX2+FMA (6×16
// tile) and a pure-Go kernel (4×8) used with the noasm build tag or when
// the CPU lacks both instruction sets. Kernel reports which one runs.
//
// Determinism: the kc blocking depends only on k, every tile is
// accumulated from zero over one kc block in k order and then added to C,
// and parallel work is split only across disjoint tiles of C. So the
// result is bit-identical for any number of goroutines and any pfor.
//
// Packing buffers come from a free list that keeps them for the life of
// the process (unlike sync.Pool, a garbage collection does not drop them),
// because memory touched for the first time is expensive on the target
// machines.
package gemm
