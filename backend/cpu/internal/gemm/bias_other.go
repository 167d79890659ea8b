//go:build !amd64 || noasm

package gemm

// fastBias is false: addBias runs its Go loop.
const fastBias = false

func addBiasAVX512(c *float32, ldc int, bias *float32, rows, n16 int) {
	panic("gemm: addBiasAVX512 without assembly")
}
