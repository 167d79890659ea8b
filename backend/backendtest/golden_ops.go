package backendtest

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
)

// goldenOp runs one fixture op. layer marks the layer functions of package
// backend, which are run on the fast path and on the composed fallback.
// dtype, if set, gives the expected result dtype (F32 otherwise).
type goldenOp struct {
	run   func(e *env) backend.Tensor
	layer bool
	dtype func(e *env) backend.DType
}

// goldenOps maps the fixture's op names to the calls they test.
var goldenOps = map[string]goldenOp{
	"binary": {run: func(e *env) backend.Tensor {
		var p struct{ Op string }
		e.params(&p)
		return e.ctx.Binary(lookup(e, binaryOps, p.Op), e.in("a"), e.in("b"))
	}},
	"unary": {run: func(e *env) backend.Tensor {
		var p struct{ Op string }
		e.params(&p)
		return e.ctx.Unary(lookup(e, unaryOps, p.Op), e.in("a"))
	}},
	"affine": {run: func(e *env) backend.Tensor {
		var p struct{ Scale, Shift float32 }
		e.params(&p)
		return e.ctx.Affine(e.in("a"), p.Scale, p.Shift)
	}},
	"leaky_relu": {run: func(e *env) backend.Tensor {
		var p struct{ Slope float32 }
		e.params(&p)
		return e.ctx.LeakyReLU(e.in("a"), p.Slope)
	}},
	"reduce": {run: func(e *env) backend.Tensor {
		var p struct {
			Op      string
			Axis    int
			KeepDim bool `json:"keep_dim"`
		}
		e.params(&p)
		return e.ctx.Reduce(lookup(e, reduceOps, p.Op), e.in("a"), p.Axis, p.KeepDim)
	}},
	"softmax": {run: func(e *env) backend.Tensor {
		var p struct{ Axis int }
		e.params(&p)
		return e.ctx.Softmax(e.in("a"), p.Axis)
	}},
	"matmul": {run: func(e *env) backend.Tensor {
		var p struct {
			TransA bool `json:"trans_a"`
			TransB bool `json:"trans_b"`
		}
		e.params(&p)
		return e.ctx.MatMul(e.in("a"), e.in("b"), p.TransA, p.TransB)
	}},
	"cast": {
		run: func(e *env) backend.Tensor {
			return e.ctx.Cast(e.in("a"), castDType(e))
		},
		dtype: castDType,
	},
	"reshape": {run: func(e *env) backend.Tensor {
		var p struct{ Shape []int }
		e.params(&p)
		return e.ctx.Reshape(e.in("a"), p.Shape...)
	}},
	"permute": {run: func(e *env) backend.Tensor {
		var p struct{ Axes []int }
		e.params(&p)
		return e.ctx.Permute(e.in("a"), p.Axes...)
	}},
	"slice": {run: func(e *env) backend.Tensor {
		var p struct{ Axis, Start, End int }
		e.params(&p)
		return e.ctx.Slice(e.in("a"), p.Axis, p.Start, p.End)
	}},
	"concat": {run: func(e *env) backend.Tensor {
		var p struct{ Axis, N int }
		e.params(&p)
		ts := make([]backend.Tensor, p.N)
		for i := range ts {
			ts[i] = e.in(fmt.Sprintf("in%d", i))
		}
		return e.ctx.Concat(p.Axis, ts...)
	}},
	"pad": {run: func(e *env) backend.Tensor {
		var p struct {
			Before, After []int
			Mode          string
			Value         float32
		}
		e.params(&p)
		return e.ctx.Pad(e.in("a"), p.Before, p.After, lookup(e, padModes, p.Mode), p.Value)
	}},
	"embedding": {run: func(e *env) backend.Tensor {
		var p struct{ IDs []int }
		e.params(&p)
		return e.ctx.Embedding(e.in("table"), p.IDs)
	}},
	"conv": {run: func(e *env) backend.Tensor {
		var p struct {
			Stride, Dilation []int
			PadBefore        []int  `json:"pad_before"`
			PadAfter         []int  `json:"pad_after"`
			PadMode          string `json:"pad_mode"`
			Groups           int
		}
		e.params(&p)
		return e.ctx.Conv(e.in("x"), e.in("w"), e.opt("bias"), backend.ConvParams{
			Stride: p.Stride, Dilation: p.Dilation, PadBefore: p.PadBefore, PadAfter: p.PadAfter,
			PadMode: lookup(e, padModes, p.PadMode), Groups: p.Groups,
		})
	}},
	"conv_transpose1d": {run: func(e *env) backend.Tensor {
		var p struct {
			Stride, Padding, Dilation, Groups int
			OutputPadding                     int `json:"output_padding"`
		}
		e.params(&p)
		return e.ctx.ConvTranspose1d(e.in("x"), e.in("w"), e.opt("bias"), backend.ConvTransposeParams{
			Stride: p.Stride, Padding: p.Padding, OutputPadding: p.OutputPadding,
			Dilation: p.Dilation, Groups: p.Groups,
		})
	}},
	"upsample_nearest": {run: func(e *env) backend.Tensor {
		var p struct{ Scale []int }
		e.params(&p)
		return e.ctx.UpsampleNearest(e.in("x"), p.Scale...)
	}},

	// Layer functions of package backend.
	"attention": {layer: true, run: func(e *env) backend.Tensor {
		var p struct{ Scale float32 }
		e.params(&p)
		return backend.Attention(e.ctx, e.in("q"), e.in("k"), e.in("v"), e.opt("mask"), p.Scale)
	}},
	"layer_norm": {layer: true, run: func(e *env) backend.Tensor {
		var p struct{ Eps float32 }
		e.params(&p)
		return backend.LayerNorm(e.ctx, e.in("x"), e.opt("w"), e.opt("b"), p.Eps)
	}},
	"rms_norm": {layer: true, run: func(e *env) backend.Tensor {
		var p struct{ Eps float32 }
		e.params(&p)
		return backend.RMSNorm(e.ctx, e.in("x"), e.opt("w"), p.Eps)
	}},
	"group_norm": {layer: true, run: func(e *env) backend.Tensor {
		var p struct {
			Groups int
			Eps    float32
		}
		e.params(&p)
		return backend.GroupNorm(e.ctx, e.in("x"), p.Groups, e.opt("w"), e.opt("b"), p.Eps)
	}},
	"pixel_norm": {layer: true, run: func(e *env) backend.Tensor {
		var p struct {
			Axis int
			Eps  float32
		}
		e.params(&p)
		return backend.PixelNorm(e.ctx, e.in("x"), p.Axis, p.Eps)
	}},
	"rope": {layer: true, run: func(e *env) backend.Tensor {
		var p struct{ Layout string }
		e.params(&p)
		return backend.RoPE(e.ctx, e.in("x"), e.in("cos"), e.in("sin"), lookup(e, ropeLayouts, p.Layout))
	}},
	"snake": {layer: true, run: func(e *env) backend.Tensor {
		return backend.Snake(e.ctx, e.in("x"), e.in("alpha"), e.opt("beta"))
	}},
	"depth_to_space": {layer: true, run: func(e *env) backend.Tensor {
		var p struct{ Factors []int }
		e.params(&p)
		return backend.DepthToSpace(e.ctx, e.in("x"), p.Factors...)
	}},
}

var (
	binaryOps = map[string]backend.BinaryOp{
		"add": backend.Add, "sub": backend.Sub, "mul": backend.Mul, "div": backend.Div,
		"maximum": backend.Maximum, "minimum": backend.Minimum,
	}
	unaryOps = map[string]backend.UnaryOp{
		"neg": backend.Neg, "abs": backend.Abs, "exp": backend.Exp, "log": backend.Log,
		"sqrt": backend.Sqrt, "rsqrt": backend.Rsqrt, "square": backend.Square, "recip": backend.Recip,
		"sin": backend.Sin, "cos": backend.Cos, "tanh": backend.Tanh, "sigmoid": backend.Sigmoid,
		"relu": backend.ReLU, "silu": backend.SiLU, "gelu": backend.GELU, "gelu_tanh": backend.GELUTanh,
	}
	reduceOps = map[string]backend.ReduceOp{
		"sum": backend.Sum, "mean": backend.Mean, "max": backend.Max, "min": backend.Min,
	}
	padModes = map[string]backend.PadMode{
		"constant": backend.PadConstant, "replicate": backend.PadReplicate, "reflect": backend.PadReflect,
	}
	ropeLayouts = map[string]backend.RoPELayout{
		"split_half": backend.RoPESplitHalf, "interleaved": backend.RoPEInterleaved,
	}
	dtypes = map[string]backend.DType{"F32": backend.F32, "F16": backend.F16, "BF16": backend.BF16}
)

// lookup resolves a parameter spelling, failing the test on an unknown one.
func lookup[V any](e *env, m map[string]V, key string) V {
	v, ok := m[key]
	if !ok {
		e.t.Fatalf("%s: unknown parameter value %q", e.c.Name, key)
	}
	return v
}

// castDType is the target dtype of a cast case.
func castDType(e *env) backend.DType {
	var p struct{ DType string }
	e.params(&p)
	return lookup(e, dtypes, p.DType)
}
