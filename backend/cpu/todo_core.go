package cpu

// Placeholders for ops being written (core ops). Each is removed as it is
// implemented; this file is deleted when empty.

import "github.com/lockstep-av/lockstep/backend"

func (c *Context) Binary(op backend.BinaryOp, a, b backend.Tensor) backend.Tensor { panic("todo") }
func (c *Context) Unary(op backend.UnaryOp, a backend.Tensor) backend.Tensor      { panic("todo") }
func (c *Context) Affine(a backend.Tensor, scale, shift float32) backend.Tensor   { panic("todo") }
func (c *Context) LeakyReLU(a backend.Tensor, slope float32) backend.Tensor       { panic("todo") }
func (c *Context) Reduce(op backend.ReduceOp, a backend.Tensor, axis int, keepDim bool) backend.Tensor {
	panic("todo")
}
func (c *Context) Softmax(a backend.Tensor, axis int) backend.Tensor              { panic("todo") }
func (c *Context) MatMul(a, b backend.Tensor, transA, transB bool) backend.Tensor { panic("todo") }
func (c *Context) Reshape(a backend.Tensor, shape ...int) backend.Tensor          { panic("todo") }
func (c *Context) Permute(a backend.Tensor, axes ...int) backend.Tensor           { panic("todo") }
func (c *Context) Slice(a backend.Tensor, axis, start, end int) backend.Tensor    { panic("todo") }
func (c *Context) Concat(axis int, ts ...backend.Tensor) backend.Tensor           { panic("todo") }
func (c *Context) Embedding(table backend.Tensor, ids []int) backend.Tensor       { panic("todo") }
func (c *Context) Pad(a backend.Tensor, before, after []int, mode backend.PadMode, value float32) backend.Tensor {
	panic("todo")
}
