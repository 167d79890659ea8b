package cpu

import (
	"fmt"
	"slices"

	"github.com/lockstep-av/lockstep/backend"
)

// Tensor is the CPU backend's tensor: a dense row-major array.
type Tensor struct {
	shape []int
	dtype backend.DType
	data  []float32 // values when dtype is F32
	raw   []byte    // little-endian storage when dtype is F16 or BF16
}

// Shape returns the dimensions.
func (t *Tensor) Shape() []int { return t.shape }

// DType returns the storage dtype.
func (t *Tensor) DType() backend.DType { return t.dtype }

// String describes the tensor for debugging.
func (t *Tensor) String() string { return fmt.Sprintf("cpu.Tensor(%v %v)", t.dtype, t.shape) }

// Len is the number of elements.
func (t *Tensor) Len() int { return backend.NumElements(t.shape) }

func newF32(data []float32, shape []int) *Tensor {
	return &Tensor{shape: slices.Clone(shape), dtype: backend.F32, data: data}
}

// tensorOf asserts that t belongs to this backend (a programmer error
// otherwise).
func tensorOf(op string, t backend.Tensor) *Tensor {
	ct, ok := t.(*Tensor)
	if !ok {
		panic(fmt.Sprintf("cpu.%s: tensor of type %T does not belong to the cpu backend", op, t))
	}
	return ct
}
