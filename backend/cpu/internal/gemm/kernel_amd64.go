//go:build amd64 && !noasm

package gemm

import "golang.org/x/sys/cpu"

// kernelAVX512 is the 14×32 AVX-512F micro-kernel (kernel_avx512_amd64.s).
//
//go:noescape
func kernelAVX512(kc int, a, b, c *float32, ldc int, add bool)

// kernelAVX512x4 is the 4×32 AVX-512F micro-kernel for matrices of at
// most smallM rows (kernel_avx512x4_amd64.s). Each element gets the same
// arithmetic as in the 14×32 kernel.
//
//go:noescape
func kernelAVX512x4(kc int, a, b, c *float32, ldc int, add bool)

// kernelAVX512BF16 is the 14×32 AVX512_BF16 pair micro-kernel
// (kernel_avx512bf16_amd64.s).
//
//go:noescape
func kernelAVX512BF16(kc int, a, b, c *float32, ldc int, add bool)

// kernelAVX2 is the 6×16 AVX2+FMA micro-kernel (kernel_avx2_amd64.s).
//
//go:noescape
func kernelAVX2(kc int, a, b, c *float32, ldc int, add bool)

var avx512Kernel = kernel{
	name: "avx512", mr: 14, nr: 32, kc: 1024, mc: 14 * 12, nc: 32 * 64, small: &avx512SmallKernel,
	fn: func(kc int, a, b, c []float32, ldc int, add bool) {
		checkTile(kc, 14, 32, a, b, c, ldc)
		kernelAVX512(kc, &a[0], &b[0], &c[0], ldc, add)
	},
}

var avx512SmallKernel = kernel{
	name: "avx512", mr: 4, nr: 32, kc: 1024, mc: 4 * 16, nc: 32 * 64,
	fn: func(kc int, a, b, c []float32, ldc int, add bool) {
		checkTile(kc, 4, 32, a, b, c, ldc)
		kernelAVX512x4(kc, &a[0], &b[0], &c[0], ldc, add)
	},
}

var avx512BF16Kernel = kernel{
	name: "avx512bf16", mr: 14, nr: 32, kc: 2048, mc: 14 * 12, nc: 32 * 64, pairs: true,
	fn: func(kc int, a, b, c []float32, ldc int, add bool) {
		checkTile(kc, 14, 32, a, b, c, ldc)
		kernelAVX512BF16(kc, &a[0], &b[0], &c[0], ldc, add)
	},
}

var avx2Kernel = kernel{
	name: "avx2", mr: 6, nr: 16, kc: 256, mc: 6 * 32, nc: 16 * 128,
	fn: func(kc int, a, b, c []float32, ldc int, add bool) {
		checkTile(kc, 6, 16, a, b, c, ldc)
		kernelAVX2(kc, &a[0], &b[0], &c[0], ldc, add)
	},
}

// checkTile panics unless the slices cover what an mr×nr kernel touches,
// so the assembly never reads or writes outside them.
func checkTile(kc, mr, nr int, a, b, c []float32, ldc int) {
	if len(a) < max(kc*mr, 1) || len(b) < max(kc*nr, 1) || len(c) < (mr-1)*ldc+nr {
		panic("gemm: micro-kernel operands too short")
	}
}

// available lists the kernels this CPU can run, fastest first.
func available() []kernel {
	var ks []kernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, avx512Kernel)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2Kernel)
	}
	return append(ks, genericKernel)
}

// hasBF16Dot reports whether the CPU runs the bf16 pair kernel.
func hasBF16Dot() bool { return cpu.X86.HasAVX512F && cpu.X86.HasAVX512BF16 }

func init() {
	active = available()[0]
	if hasBF16Dot() {
		bf16Dot = &avx512BF16Kernel
	}
}

// packA14AVX512 packs blocks×16 columns of 14 rows of A (row i at
// src[i*lda:]) into dst as 14-value columns (see pack_avx512_amd64.s).
//
//go:noescape
func packA14AVX512(dst, src *float32, lda, blocks int)

// packA14PairsAVX512 is packA14AVX512 for bf16 pairs: blocks×32 columns
// become blocks×16 steps of 14 words.
//
//go:noescape
func packA14PairsAVX512(dst, src *float32, lda, blocks int)

// packA14Fast packs the first 16*floor(kc/16) columns of a full 14-row
// panel and returns how many it packed.
func packA14Fast(d, a []float32, base, lda, kc int) int {
	blocks := kc / 16
	if blocks == 0 || !cpu.X86.HasAVX512F {
		return 0
	}
	_ = a[base+13*lda+16*blocks-1]
	_ = d[16*blocks*14-1]
	packA14AVX512(&d[0], &a[base], lda, blocks)
	return 16 * blocks
}

// packA14PairsFast packs the first 32*floor(kc/32) columns of a full
// 14-row panel as bf16 pairs and returns how many columns it packed.
func packA14PairsFast(d, a []float32, base, lda, kc int) int {
	blocks := kc / 32
	if blocks == 0 || !hasBF16Dot() {
		return 0
	}
	_ = a[base+13*lda+32*blocks-1]
	_ = d[16*blocks*14-1]
	packA14PairsAVX512(&d[0], &a[base], lda, blocks)
	return 32 * blocks
}
