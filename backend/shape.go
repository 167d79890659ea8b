package backend

import (
	"fmt"
	"slices"
)

// NumElements returns the product of the dimensions of shape (1 for a scalar).
func NumElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// ShapeError reports operands of an op whose shapes do not fit together.
// Ops panic with it; Recover turns it into an error at the pipeline boundary.
type ShapeError struct {
	Op     string
	Shapes [][]int
	Msg    string
}

func (e *ShapeError) Error() string {
	return fmt.Sprintf("%s: %s (shapes %v)", e.Op, e.Msg, e.Shapes)
}

// ShapePanic panics with a *ShapeError for op.
func ShapePanic(op, msg string, ts ...Tensor) {
	e := &ShapeError{Op: op, Msg: msg}
	for _, t := range ts {
		if t == nil {
			e.Shapes = append(e.Shapes, nil)
			continue
		}
		e.Shapes = append(e.Shapes, slices.Clone(t.Shape()))
	}
	panic(e)
}

// BroadcastShapes returns the NumPy broadcast of a and b, or false.
func BroadcastShapes(a, b []int) ([]int, bool) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if j := i - (n - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (n - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, false
		}
	}
	return out, true
}

// NormAxis maps a possibly negative axis to [0, rank) or panics.
func NormAxis(op string, axis, rank int) int {
	if axis < 0 {
		axis += rank
	}
	if axis < 0 || axis >= rank {
		panic(&ShapeError{Op: op, Msg: fmt.Sprintf("axis %d out of range for rank %d", axis, rank)})
	}
	return axis
}

// Recover turns a panic raised by an op (a *ShapeError or any other runtime
// panic inside a layer) into an error stored in *err, wrapped with what.
// Use it in a deferred call at the pipeline boundary:
//
//	defer backend.Recover(&err, "denoise step")
func Recover(err *error, what string) {
	r := recover()
	if r == nil {
		return
	}
	switch v := r.(type) {
	case error:
		*err = fmt.Errorf("%s: %w", what, v)
	default:
		*err = fmt.Errorf("%s: %v", what, v)
	}
}
