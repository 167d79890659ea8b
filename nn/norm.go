package nn

import "github.com/lockstep-av/lockstep/backend"

// DefaultEps is the epsilon the norms use when their Eps field is zero
// (Wan's value; PyTorch's nn.LayerNorm default is 1e-5, so set Eps when
// porting such a layer).
const DefaultEps = 1e-6

func epsOr(eps float32) float32 {
	if eps == 0 {
		return DefaultEps
	}
	return eps
}

// LayerNorm normalises the last axis: (x - mean)/√(var + Eps)·Weight + Bias,
// with the biased variance. Without Weight and Bias (elementwise_affine =
// False) it is the plain normalisation that adaLN modulation follows.
type LayerNorm struct {
	Weight backend.Tensor `weight:"weight,optional"` // [D] or nil
	Bias   backend.Tensor `weight:"bias,optional"`   // [D] or nil
	Eps    float32        // 0 means DefaultEps
}

// Forward normalises x [..., D].
func (n *LayerNorm) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return backend.LayerNorm(ctx, x, n.Weight, n.Bias, epsOr(n.Eps))
}

// RMSNorm divides the last axis by its root mean square:
// x/√(mean(x²) + Eps)·Weight.
type RMSNorm struct {
	Weight backend.Tensor `weight:"weight,optional"` // [D] or nil
	Eps    float32        // 0 means DefaultEps
}

// Forward normalises x [..., D].
func (n *RMSNorm) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return backend.RMSNorm(ctx, x, n.Weight, epsOr(n.Eps))
}

// GroupNorm normalises each of Groups channel groups of x [N, C, ...] over
// the group's channels and all trailing axes, then scales and shifts each
// channel (PyTorch's nn.GroupNorm).
type GroupNorm struct {
	Weight backend.Tensor `weight:"weight,optional"` // [C] or nil
	Bias   backend.Tensor `weight:"bias,optional"`   // [C] or nil
	Groups int
	Eps    float32 // 0 means DefaultEps
}

// Forward normalises x [N, C, ...].
func (n *GroupNorm) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return backend.GroupNorm(ctx, x, n.Groups, n.Weight, n.Bias, epsOr(n.Eps))
}
