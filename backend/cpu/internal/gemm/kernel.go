package gemm

// microKernel computes one mr×nr tile from packed panels. Reference loop:
//
//	for i := range mr {
//		for j := range nr {
//			var s float32
//			for p := range kc {
//				s += a[p*mr+i] * b[p*nr+j] // fused multiply-add in the asm kernels
//			}
//			if add {
//				s = c[i*ldc+j] + s
//			}
//			c[i*ldc+j] = s
//		}
//	}
//
// a holds kc*mr values, b holds kc*nr values and c at least
// (mr-1)*ldc+nr values; kc may be 0 (the tile is then zero).
type microKernel func(kc int, a, b, c []float32, ldc int, add bool)

// kernel is a micro-kernel with its tile shape and blocking.
type kernel struct {
	name   string
	mr, nr int
	fn     microKernel
	kc     int // largest k block: larger means fewer passes over C (B micro-panel kc×nr in L1/L2)
	mc     int // largest row block, a multiple of mr (A block mc×kc in L2)
	nc     int // largest column block, a multiple of nr (B block kc×nc in L3)
	// pairs marks bf16 pair kernels: each step consumes two k values, a
	// and b hold bf16 pairs (low half first in k) in float32-sized slots.
	pairs bool
	// small, if set, replaces this kernel for matrices of at most smallM
	// rows (fewer wasted rows in the padded panels).
	small *kernel
}

// smallM is the largest m for which a kernel's small variant is used.
const smallM = 4

// active is the kernel Sgemm uses; chosen at init from the CPU features.
var active = genericKernel

// bf16Dot is the bf16 pair kernel SgemmBF16Dot uses, nil when the CPU
// lacks one.
var bf16Dot *kernel

// Kernel names the micro-kernel in use: "avx512", "avx2" or "generic".
func Kernel() string { return active.name }

// genericKernel is the portable pure-Go kernel.
var genericKernel = kernel{name: "generic", mr: 4, nr: 8, fn: kernelGeneric, kc: 256, mc: 128, nc: 2048}
