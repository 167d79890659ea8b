package vae

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/nn"
)

// eps is the ChanRMS epsilon (SPEC.md conventions).
const eps = 1e-6

// ChanRMS is the video VAE's norm: x/√(mean_c(x²) + 1e-6)·gamma[c] over
// the channel axis of x [B, C, T, H, W]. It acts per voxel, so it is causal.
type ChanRMS struct {
	Gamma backend.Tensor `weight:"gamma"` // [C]
}

// Forward normalises x [B, C, ...].
func (n *ChanRMS) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return ctx.Binary(backend.Mul, backend.PixelNorm(ctx, x, 1, eps), channelVector(ctx, n.Gamma, len(x.Shape())))
}

// Snake is the audio VAE's activation x + sin²(αx)/(α + 1e-9) per channel
// of x [B, C, T].
type Snake struct {
	Alpha backend.Tensor `weight:"alpha"` // [C]
}

// Forward applies Snake to x [B, C, T].
func (s *Snake) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return backend.Snake(ctx, x, s.Alpha, nil)
}

// channelVector reshapes v [C] to [C, 1, ...] so that it broadcasts along
// axis 1 of a tensor of the given rank.
func channelVector(ctx backend.Context, v backend.Tensor, rank int) backend.Tensor {
	shape := make([]int, rank-1)
	for i := range shape {
		shape[i] = 1
	}
	shape[0] = v.Shape()[0]
	return ctx.Reshape(v, shape...)
}

func silu(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return ctx.Unary(backend.SiLU, x)
}

// conv3 runs a causal 3-d convolution on a whole clip or, when stream is
// set, on the next chunk of its stream.
func conv3(ctx backend.Context, c *nn.CausalConv3d, x backend.Tensor, stream bool) backend.Tensor {
	if stream {
		return c.Stream(ctx, x)
	}
	return c.Forward(ctx, x)
}

// conv1 is conv3 for causal 1-d convolutions.
func conv1(ctx backend.Context, c *nn.CausalConv1d, x backend.Tensor, stream bool) backend.Tensor {
	if stream {
		return c.Stream(ctx, x)
	}
	return c.Forward(ctx, x)
}

// SpaceToDepth is the inverse of backend.DepthToSpace: x [B, C, S0·f0,
// S1·f1, ...] becomes [B, C·∏f, S0, S1, ...] with the channel index ordered
// (c, f0, f1, ...). The encoders use it to fold pixels and samples into
// channels.
func SpaceToDepth(ctx backend.Context, x backend.Tensor, factors ...int) backend.Tensor {
	shape := x.Shape()
	n := len(factors)
	if len(shape) != n+2 {
		backend.ShapePanic("vae.SpaceToDepth", "rank must be 2 + number of factors", x)
	}
	split := []int{shape[0], shape[1]}
	out := []int{shape[0], shape[1]}
	axes := []int{0, 1}
	for i, f := range factors {
		if f <= 0 || shape[2+i]%f != 0 {
			backend.ShapePanic("vae.SpaceToDepth", fmt.Sprintf("axis %d not divisible by %d", 2+i, f), x)
		}
		split = append(split, shape[2+i]/f, f)
		out[1] *= f
		axes = append(axes, 3+2*i)
	}
	for i := range n {
		axes = append(axes, 2+2*i)
		out = append(out, shape[2+i]/factors[i])
	}
	return ctx.Reshape(ctx.Permute(ctx.Reshape(x, split...), axes...), out...)
}

// shapeChecker collects tensors whose shapes differ from the config's;
// with record set it also lists every expected tensor (name and shape).
type shapeChecker struct {
	bad    []string
	record bool
	names  []string
	shapes [][]int
}

func (c *shapeChecker) want(name string, t backend.Tensor, shape ...int) {
	if c.record {
		c.names = append(c.names, name)
		c.shapes = append(c.shapes, shape)
		return
	}
	if t == nil {
		c.bad = append(c.bad, name+": missing")
		return
	}
	if !slices.Equal(t.Shape(), shape) {
		c.bad = append(c.bad, fmt.Sprintf("%s: shape %v, config says %v", name, t.Shape(), shape))
	}
}

func (c *shapeChecker) err(what string) error {
	if len(c.bad) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %d tensors do not match the config: %s", what, len(c.bad), strings.Join(c.bad, "; "))
}
