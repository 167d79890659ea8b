package cpu

import "github.com/lockstep-av/lockstep/backend"

var _ backend.MatMulBiaser = (*Context)(nil)

// MatMulBias is MatMul(a, b, transA, transB) plus bias [N] added to every
// row, as a linear layer with bias. When b is a plain matrix and a is not
// transposed (a linear layer's case) the GEMM adds the bias to each tile
// of the output as it finishes it (gemmBias), which saves a separate pass
// over the output; with one k block of the GEMM (k up to 1024 on the
// AVX-512 kernels) that gives the same bits as MatMul then Add. Other
// cases run MatMul then Add.
func (c *Context) MatMulBias(a, b, bias backend.Tensor, transA, transB bool) backend.Tensor {
	return c.matMul("MatMulBias", a, b, bias, transA, transB)
}
