//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

// binaryVec holds the assembly loops of binaryKernel for Add, Sub, Mul
// and Div (indexed by the op), each as [vector·vector, vector·scalar,
// scalar·vector]: AVX-512 where the CPU has it, else AVX2, else nil. They
// need len(dst) >= 1 and give the same bits as the Go loops.
var binaryVec = binaryVecSets()[0]

// binaryVecSets returns the loops this CPU runs, fastest first, then nil
// (the Go loops).
func binaryVecSets() []*[4][3]func(dst, a, b []float32) {
	var sets []*[4][3]func(dst, a, b []float32)
	if cpu.X86.HasAVX512F {
		sets = append(sets, &[4][3]func(dst, a, b []float32){
			{addVVAVX512, addVSAVX512, addSVAVX512},
			{subVVAVX512, subVSAVX512, subSVAVX512},
			{mulVVAVX512, mulVSAVX512, mulSVAVX512},
			{divVVAVX512, divVSAVX512, divSVAVX512},
		})
	}
	if cpu.X86.HasAVX2 {
		sets = append(sets, &[4][3]func(dst, a, b []float32){
			{addVVAVX2, addVSAVX2, addSVAVX2},
			{subVVAVX2, subVSAVX2, subSVAVX2},
			{mulVVAVX2, mulVSAVX2, mulSVAVX2},
			{divVVAVX2, divVSAVX2, divSVAVX2},
		})
	}
	return append(sets, nil)
}

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

//go:noescape
func addVVAVX2(dst, a, b []float32)

//go:noescape
func addVSAVX2(dst, a, b []float32)

//go:noescape
func addSVAVX2(dst, a, b []float32)

//go:noescape
func subVVAVX2(dst, a, b []float32)

//go:noescape
func subVSAVX2(dst, a, b []float32)

//go:noescape
func subSVAVX2(dst, a, b []float32)

//go:noescape
func mulVVAVX2(dst, a, b []float32)

//go:noescape
func mulVSAVX2(dst, a, b []float32)

//go:noescape
func mulSVAVX2(dst, a, b []float32)

//go:noescape
func divVVAVX2(dst, a, b []float32)

//go:noescape
func divVSAVX2(dst, a, b []float32)

//go:noescape
func divSVAVX2(dst, a, b []float32)
