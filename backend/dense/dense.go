package dense

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
	"gorgonia.org/tensor"
)

// ToDense copies t (any storage dtype) into a new float32 *tensor.Dense of
// the same shape.
func ToDense(b backend.Backend, t backend.Tensor) *tensor.Dense {
	shape := append([]int(nil), t.Shape()...)
	data := b.Float32(t)
	if len(shape) == 0 { // gorgonia represents scalars with an empty shape too
		return tensor.New(tensor.FromScalar(data[0]))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// FromDense copies a contiguous float32 or float64 *tensor.Dense into a
// persistent F32 tensor of backend b. Other dtypes and strided views are
// errors (call Materialize on a view first).
func FromDense(b backend.Backend, d *tensor.Dense) (backend.Tensor, error) {
	var shape []int
	if !d.IsScalar() {
		shape = append(shape, d.Shape()...)
	}
	if d.RequiresIterator() {
		return nil, fmt.Errorf("dense: tensor of shape %v is a strided view; call Materialize first", shape)
	}
	var data []float32
	switch d.Dtype() {
	case tensor.Float32:
		data = d.Float32s()
	case tensor.Float64:
		data = make([]float32, 0, d.Size())
		for _, v := range d.Float64s() {
			data = append(data, float32(v))
		}
	default:
		return nil, fmt.Errorf("dense: unsupported dtype %v (want float32 or float64)", d.Dtype())
	}
	t, err := b.FromFloat32(data, shape...)
	if err != nil {
		return nil, fmt.Errorf("dense: %w", err)
	}
	return t, nil
}
