//go:build !amd64 || noasm

package cpu

// attnVector is false: attention's softmax helpers run in Go.
const attnVector = false

func expSubAVX512(row []float32, mx float32, acc *[16]float32) {
	panic("cpu: expSubAVX512 without assembly")
}

func scaleMaxAVX512(row []float32, scale float32, acc *[16]float32) {
	panic("cpu: scaleMaxAVX512 without assembly")
}

func attnRowAVX512(row []float32, scale, mprev float32) (mx, sum float32) {
	panic("cpu: attnRowAVX512 without assembly")
}
