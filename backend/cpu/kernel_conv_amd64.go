//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

// convKernelAVX512 is the AVX-512 tile kernel of the direct convolution
// (kernel_conv_avx512_amd64.s); convKernelGo is its reference loop.
//
//go:noescape
func convKernelAVX512(kc int, a *float32, lda int, b *float32, offs *int, c *float32, ldc int, add bool, bias *float32)

// convTileAVX512 checks the operands of one tile and runs the assembly
// kernel on them.
func convTileAVX512(kc int, a []float32, lda int, b []float32, st convSteps, c []float32, ldc int, add bool, bias []float32) {
	if kc == 0 {
		convKernelGo(0, a, lda, b, st, c, ldc, add, bias)
		return
	}
	checkConvTile(kc, a, lda, b, st, c, ldc, bias)
	var bp *float32
	if bias != nil {
		bp = &bias[0]
	}
	convKernelAVX512(kc, &a[0], lda, &b[0], &st.offs[0], &c[0], ldc, add, bp)
}

func init() {
	if cpu.X86.HasAVX512F {
		convTile = convTileAVX512
	}
}
