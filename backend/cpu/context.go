package cpu

import (
	"encoding/binary"
	"math"
	"slices"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

// Context is the CPU backend's context: an arena of float32 buffers.
// Reset recycles them, so a loop of equal steps allocates no buffer after
// its first step: buffers are matched by exact length, and a length that no
// alloc has asked for in maxIdleResets Resets (the shapes of a different
// first step, say) has its recycled buffers released to the garbage
// collector, so that they do not stay live for the context's lifetime.
type Context struct {
	b      *Backend
	live   [][]float32         // buffers handed out since the last Reset
	free   map[int][][]float32 // recycled buffers by length
	last   map[int]int         // length -> value of resets at its last alloc
	resets int                 // number of Resets so far
}

// maxIdleResets is how many Resets a buffer length may go unrequested
// before its recycled buffers are dropped.
const maxIdleResets = 16

// Backend returns the owning backend.
func (c *Context) Backend() backend.Backend { return c.b }

// Reset recycles every temporary.
func (c *Context) Reset() {
	c.resets++
	for i, buf := range c.live {
		c.free[len(buf)] = append(c.free[len(buf)], buf)
		c.live[i] = nil
	}
	c.live = c.live[:0]
	for n := range c.free {
		if c.resets-c.last[n] > maxIdleResets {
			delete(c.free, n)
			delete(c.last, n)
		}
	}
}

// alloc returns an uninitialised buffer of n float32s from the arena.
func (c *Context) alloc(n int) []float32 {
	if c.last == nil {
		c.last = map[int]int{}
	}
	c.last[n] = c.resets
	var buf []float32
	if l := c.free[n]; len(l) > 0 {
		buf = l[len(l)-1]
		l[len(l)-1] = nil
		c.free[n] = l[:len(l)-1]
	} else {
		buf = make([]float32, n)
	}
	c.live = append(c.live, buf)
	return buf
}

// newTensor returns an uninitialised F32 temporary of the given shape.
func (c *Context) newTensor(shape ...int) *Tensor {
	if err := checkShape(shape); err != nil {
		panic(&backend.ShapeError{Op: "alloc", Shapes: [][]int{shape}, Msg: err.Error()})
	}
	return &Tensor{shape: slices.Clone(shape), dtype: backend.F32, data: c.alloc(backend.NumElements(shape))}
}

// f32 returns t's values as float32, widening F16/BF16 into a temporary.
func (c *Context) f32(op string, t backend.Tensor) []float32 {
	ct := tensorOf(op, t)
	if ct.dtype == backend.F32 {
		return ct.data
	}
	buf := c.alloc(ct.Len())
	widen(buf, ct.dtype, ct.raw)
	return buf
}

// Zeros returns a zero-filled F32 temporary.
func (c *Context) Zeros(shape ...int) backend.Tensor {
	t := c.newTensor(shape...)
	clear(t.data)
	return t
}

// Constant copies data into an F32 temporary.
func (c *Context) Constant(data []float32, shape ...int) backend.Tensor {
	if backend.NumElements(shape) != len(data) {
		panic(&backend.ShapeError{Op: "Constant", Shapes: [][]int{shape}, Msg: "data length does not match shape"})
	}
	t := c.newTensor(shape...)
	copy(t.data, data)
	return t
}

// Cast converts a to dt. Narrowing rounds to nearest even. The result of
// a cast to F16/BF16 is a temporary too.
func (c *Context) Cast(a backend.Tensor, dt backend.DType) backend.Tensor {
	src := c.f32("Cast", a)
	switch dt {
	case backend.F32:
		t := c.newTensor(a.Shape()...)
		copy(t.data, src)
		return t
	case backend.F16, backend.BF16:
		raw := make([]byte, 2*len(src))
		if dt == backend.F16 {
			half.F32ToF16(raw, src)
		} else {
			half.F32ToBF16(raw, src)
		}
		return &Tensor{shape: slices.Clone(a.Shape()), dtype: dt, raw: raw}
	}
	panic("cpu.Cast: invalid dtype " + dt.String())
}

func float32frombytes(b []byte) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(b))
}
