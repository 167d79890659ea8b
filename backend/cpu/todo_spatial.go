package cpu

// Placeholders for ops being written (convolution, upsampling). Each is
// removed as it is implemented; this file is deleted when empty.

import "github.com/lockstep-av/lockstep/backend"

func (c *Context) Conv(x, w, bias backend.Tensor, p backend.ConvParams) backend.Tensor { panic("todo") }
func (c *Context) ConvTranspose1d(x, w, bias backend.Tensor, p backend.ConvTransposeParams) backend.Tensor {
	panic("todo")
}
func (c *Context) UpsampleNearest(x backend.Tensor, scale ...int) backend.Tensor { panic("todo") }
