//go:build amd64 && !noasm

package cpu

import (
	"fmt"

	"golang.org/x/sys/cpu"
)

// convKernel4x96AVX512 and convKernel4x80AVX512 are the AVX-512 tile
// kernels of the direct convolution (kernel_conv_avx512_amd64.s);
// convKernelGo is their reference loop.
//
//go:noescape
func convKernel4x96AVX512(kc int, a *float32, lda int, b *float32, offs *int, c *float32, ldc int, add bool, bias *float32)

//go:noescape
func convKernel4x80AVX512(kc int, a *float32, lda int, b *float32, offs *int, c *float32, ldc int, add bool, bias *float32)

// convTileAVX512 checks the operands of one tile and runs the assembly
// kernel on them.
func convTileAVX512(nr, kc int, a []float32, lda int, b []float32, st convSteps, c []float32, ldc int, add bool, bias []float32) {
	if kc == 0 {
		convKernelGo(nr, 0, a, lda, b, st, c, ldc, add, bias)
		return
	}
	checkConvTile(nr, kc, a, lda, b, st, c, ldc, bias)
	var bp *float32
	if bias != nil {
		bp = &bias[0]
	}
	switch nr {
	case 96:
		convKernel4x96AVX512(kc, &a[0], lda, &b[0], &st.offs[0], &c[0], ldc, add, bp)
	case 80:
		convKernel4x80AVX512(kc, &a[0], lda, &b[0], &st.offs[0], &c[0], ldc, add, bp)
	default:
		panic(fmt.Sprintf("cpu: no %d-wide conv tile kernel", nr))
	}
}

func init() {
	if cpu.X86.HasAVX512F {
		convTile = convTileAVX512
	}
}
