package nn

import "github.com/lockstep-av/lockstep/backend"

// Conv1d is PyTorch's nn.Conv1d on x [B, Cin, L]. Zero Stride and
// Dilation mean 1, zero Groups means 1; Padding is symmetric, filled as
// PadMode says (PadConstant pads zeros, PyTorch's padding_mode="zeros").
type Conv1d struct {
	Weight backend.Tensor `weight:"weight"`        // [Cout, Cin/Groups, K]
	Bias   backend.Tensor `weight:"bias,optional"` // [Cout] or nil

	Stride, Padding, Dilation, Groups int
	PadMode                           backend.PadMode
}

// Forward convolves x [B, Cin, L] into [B, Cout, L'].
func (c *Conv1d) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return conv(ctx, x, c.Weight, c.Bias, c.Stride, c.Padding, c.Dilation, c.Groups, c.PadMode)
}

// Conv2d is PyTorch's nn.Conv2d on x [B, Cin, H, W]; the per-axis
// parameters are (height, width), with Conv1d's zero-value rules.
type Conv2d struct {
	Weight backend.Tensor `weight:"weight"`        // [Cout, Cin/Groups, KH, KW]
	Bias   backend.Tensor `weight:"bias,optional"` // [Cout] or nil

	Stride, Padding, Dilation [2]int
	Groups                    int
	PadMode                   backend.PadMode
}

// Forward convolves x [B, Cin, H, W] into [B, Cout, H', W'].
func (c *Conv2d) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return ctx.Conv(x, c.Weight, c.Bias, convParams(c.Stride[:], c.Padding[:], c.Padding[:], c.Dilation[:], c.Groups, c.PadMode))
}

// Conv3d is PyTorch's nn.Conv3d on x [B, Cin, T, H, W]; the per-axis
// parameters are (time, height, width), with Conv1d's zero-value rules.
type Conv3d struct {
	Weight backend.Tensor `weight:"weight"`        // [Cout, Cin/Groups, KT, KH, KW]
	Bias   backend.Tensor `weight:"bias,optional"` // [Cout] or nil

	Stride, Padding, Dilation [3]int
	Groups                    int
	PadMode                   backend.PadMode
}

// Forward convolves x [B, Cin, T, H, W] into [B, Cout, T', H', W'].
func (c *Conv3d) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return ctx.Conv(x, c.Weight, c.Bias, convParams(c.Stride[:], c.Padding[:], c.Padding[:], c.Dilation[:], c.Groups, c.PadMode))
}

func conv(ctx backend.Context, x, w, b backend.Tensor, stride, pad, dil, groups int, mode backend.PadMode) backend.Tensor {
	return ctx.Conv(x, w, b, convParams([]int{stride}, []int{pad}, []int{pad}, []int{dil}, groups, mode))
}

// convParams builds backend.ConvParams, mapping zero strides and
// dilations to 1.
func convParams(stride, before, after, dil []int, groups int, mode backend.PadMode) backend.ConvParams {
	one := func(v []int) []int {
		out := make([]int, len(v))
		for i, x := range v {
			out[i] = max(x, 1)
		}
		return out
	}
	return backend.ConvParams{
		Stride:    one(stride),
		Dilation:  one(dil),
		PadBefore: append([]int(nil), before...),
		PadAfter:  append([]int(nil), after...),
		PadMode:   mode,
		Groups:    max(groups, 1),
	}
}

// ConvTranspose1d is PyTorch's nn.ConvTranspose1d on x [B, Cin, L]
// (upsampling in vocoders and audio decoders). Zero Stride, Dilation and
// Groups mean 1.
type ConvTranspose1d struct {
	Weight backend.Tensor `weight:"weight"`        // [Cin, Cout/Groups, K]
	Bias   backend.Tensor `weight:"bias,optional"` // [Cout] or nil

	Stride, Padding, OutputPadding, Dilation, Groups int
}

// Forward maps x [B, Cin, L] to [B, Cout, (L-1)·Stride - 2·Padding +
// Dilation·(K-1) + OutputPadding + 1].
func (c *ConvTranspose1d) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return ctx.ConvTranspose1d(x, c.Weight, c.Bias, backend.ConvTransposeParams{
		Stride:        max(c.Stride, 1),
		Padding:       c.Padding,
		OutputPadding: c.OutputPadding,
		Dilation:      max(c.Dilation, 1),
		Groups:        max(c.Groups, 1),
	})
}
