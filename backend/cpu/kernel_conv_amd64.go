//go:build amd64 && !noasm

package cpu

import (
	"fmt"

	"golang.org/x/sys/cpu"

	"github.com/lockstep-av/lockstep/backend"
)

//go:generate go run gen_conv_kernels.go

// The AVX-512 tile kernels of the direct convolution
// (kernel_conv_avx512_amd64.s, written by gen_conv_kernels.go), 4×96 and
// 4×80, reading float32, f16 or bf16 weights; convKernelGo is their
// reference loop.
//
//go:noescape
func convKernel4x96AVX512(kc int, a *float32, lda int, b *float32, offs *int, c *float32, ldc int, add bool, bias *float32)

//go:noescape
func convKernel4x80AVX512(kc int, a *float32, lda int, b *float32, offs *int, c *float32, ldc int, add bool, bias *float32)

//go:noescape
func convKernel4x96F16AVX512(kc int, a *byte, lda int, b *float32, offs *int, c *float32, ldc int, add bool, bias *float32)

//go:noescape
func convKernel4x80F16AVX512(kc int, a *byte, lda int, b *float32, offs *int, c *float32, ldc int, add bool, bias *float32)

//go:noescape
func convKernel4x96BF16AVX512(kc int, a *byte, lda int, b *float32, offs *int, c *float32, ldc int, add bool, bias *float32)

//go:noescape
func convKernel4x80BF16AVX512(kc int, a *byte, lda int, b *float32, offs *int, c *float32, ldc int, add bool, bias *float32)

// convTileAVX512 checks the operands of one tile and runs the assembly
// kernel for its width and weight type on them.
func convTileAVX512(nr, kc int, a convRows, b []float32, st convSteps, c []float32, ldc int, add bool, bias []float32) {
	if kc == 0 {
		convKernelGo(nr, 0, a, b, st, c, ldc, add, bias)
		return
	}
	checkConvTile(nr, kc, a, b, st, c, ldc, bias)
	var bp *float32
	if bias != nil {
		bp = &bias[0]
	}
	switch {
	case a.dt == backend.F32 && nr == 96:
		convKernel4x96AVX512(kc, &a.f32[0], a.lda, &b[0], &st.offs[0], &c[0], ldc, add, bp)
	case a.dt == backend.F32 && nr == 80:
		convKernel4x80AVX512(kc, &a.f32[0], a.lda, &b[0], &st.offs[0], &c[0], ldc, add, bp)
	case a.dt == backend.F16 && nr == 96 && convTileHalf:
		convKernel4x96F16AVX512(kc, &a.raw[0], a.lda, &b[0], &st.offs[0], &c[0], ldc, add, bp)
	case a.dt == backend.F16 && nr == 80 && convTileHalf:
		convKernel4x80F16AVX512(kc, &a.raw[0], a.lda, &b[0], &st.offs[0], &c[0], ldc, add, bp)
	case a.dt == backend.BF16 && nr == 96 && convTileHalf:
		convKernel4x96BF16AVX512(kc, &a.raw[0], a.lda, &b[0], &st.offs[0], &c[0], ldc, add, bp)
	case a.dt == backend.BF16 && nr == 80 && convTileHalf:
		convKernel4x80BF16AVX512(kc, &a.raw[0], a.lda, &b[0], &st.offs[0], &c[0], ldc, add, bp)
	default:
		panic(fmt.Sprintf("cpu: no %d-wide %v conv tile kernel", nr, a.dt))
	}
}

func init() {
	if cpu.X86.HasAVX512F {
		convTile = convTileAVX512
		// The half-precision kernels broadcast 16-bit words.
		convTileHalf = cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL
	}
}
