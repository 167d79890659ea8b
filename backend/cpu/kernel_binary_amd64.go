//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

// binaryVec holds the AVX-512 loops of binaryKernel for Add, Sub, Mul and
// Div (indexed by the op), each as [vector·vector, vector·scalar,
// scalar·vector]; nil without AVX-512. They need len(dst) >= 1 and give
// the same bits as the Go loops.
var binaryVec = func() *[4][3]func(dst, a, b []float32) {
	if !cpu.X86.HasAVX512F {
		return nil
	}
	return &[4][3]func(dst, a, b []float32){
		{addVVAVX512, addVSAVX512, addSVAVX512},
		{subVVAVX512, subVSAVX512, subSVAVX512},
		{mulVVAVX512, mulVSAVX512, mulSVAVX512},
		{divVVAVX512, divVSAVX512, divSVAVX512},
	}
}()

//go:noescape
func addVVAVX512(dst, a, b []float32)

//go:noescape
func subVVAVX512(dst, a, b []float32)

//go:noescape
func mulVVAVX512(dst, a, b []float32)

//go:noescape
func divVVAVX512(dst, a, b []float32)

//go:noescape
func addVSAVX512(dst, a, b []float32)

//go:noescape
func subVSAVX512(dst, a, b []float32)

//go:noescape
func mulVSAVX512(dst, a, b []float32)

//go:noescape
func divVSAVX512(dst, a, b []float32)

//go:noescape
func addSVAVX512(dst, a, b []float32)

//go:noescape
func subSVAVX512(dst, a, b []float32)

//go:noescape
func mulSVAVX512(dst, a, b []float32)

//go:noescape
func divSVAVX512(dst, a, b []float32)
