package nn

import (
	"fmt"
	"slices"

	"github.com/lockstep-av/lockstep/backend"
)

// Linear is the affine map y = x·Wᵀ + b over the last axis, PyTorch's
// nn.Linear. Weight may be F16 or BF16.
type Linear struct {
	Weight backend.Tensor `weight:"weight"`        // [out, in]
	Bias   backend.Tensor `weight:"bias,optional"` // [out] or nil
}

// In is the number of input features.
func (l *Linear) In() int { return l.Weight.Shape()[1] }

// Out is the number of output features.
func (l *Linear) Out() int { return l.Weight.Shape()[0] }

// Forward maps x [..., in] to [..., out]. The leading axes are flattened
// into one matrix so the product is a single GEMM; the bias goes through
// backend.MatMulBias, which backends may fuse into that GEMM.
func (l *Linear) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	shape := x.Shape()
	if len(shape) == 0 || shape[len(shape)-1] != l.In() {
		backend.ShapePanic("nn.Linear", "last axis of x must equal in features", x, l.Weight)
	}
	in, out := l.In(), l.Out()
	y := backend.MatMulBias(ctx, ctx.Reshape(x, -1, in), l.Weight, l.Bias, false, true)
	outShape := append(append(make([]int, 0, len(shape)), shape[:len(shape)-1]...), out)
	return ctx.Reshape(y, outShape...)
}

// Check reports whether the bound tensors have consistent shapes: Weight
// [out, in] and Bias nil or [out]. Generic layers carry no shape tags
// (their sizes differ per instance), so models call Check after binding,
// or put shape tags with their own dimension names on their own structs.
func (l *Linear) Check() error {
	if l.Weight == nil || len(l.Weight.Shape()) != 2 {
		return fmt.Errorf("linear weight must be [out, in], have %v", shapeOf(l.Weight))
	}
	if l.Bias != nil && !slices.Equal(l.Bias.Shape(), []int{l.Out()}) {
		return fmt.Errorf("linear bias must be [%d], have %v", l.Out(), l.Bias.Shape())
	}
	return nil
}

// shapeOf returns t's shape, or nil for a nil tensor.
func shapeOf(t backend.Tensor) []int {
	if t == nil {
		return nil
	}
	return t.Shape()
}
