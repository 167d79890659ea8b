package nn

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
)

// Activation is an elementwise non-linearity. The zero value is GELUTanh,
// the DiT/Wan feed-forward default.
type Activation uint8

// Activations.
const (
	GELUTanh Activation = iota // x/2·(1+tanh(√(2/π)(x+0.044715x³))), GELU(approximate="tanh")
	GELU                       // x/2·(1+erf(x/√2)), exact GELU
	SiLU                       // x·sigmoid(x), also called swish
	ReLU                       // max(x, 0)
	Identity                   // x
)

// Apply returns the activation of x.
func (a Activation) Apply(ctx backend.Context, x backend.Tensor) backend.Tensor {
	switch a {
	case GELUTanh:
		return ctx.Unary(backend.GELUTanh, x)
	case GELU:
		return ctx.Unary(backend.GELU, x)
	case SiLU:
		return ctx.Unary(backend.SiLU, x)
	case ReLU:
		return ctx.Unary(backend.ReLU, x)
	case Identity:
		return x
	}
	panic(fmt.Sprintf("nn: invalid activation %d", uint8(a)))
}

// String names the activation.
func (a Activation) String() string {
	switch a {
	case GELUTanh:
		return "gelu_tanh"
	case GELU:
		return "gelu"
	case SiLU:
		return "silu"
	case ReLU:
		return "relu"
	case Identity:
		return "identity"
	}
	return fmt.Sprintf("Activation(%d)", uint8(a))
}
