//go:build !amd64 || noasm

package cpu

// binaryVec is nil: binaryKernel runs its Go loops.
var binaryVec *[4][3]func(dst, a, b []float32)

// binaryVecSets returns only nil: the Go loops.
func binaryVecSets() []*[4][3]func(dst, a, b []float32) {
	return []*[4][3]func(dst, a, b []float32){nil}
}
