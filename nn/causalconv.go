package nn

import (
	"slices"

	"github.com/lockstep-av/lockstep/backend"
)

// CausalCache carries a causal convolution's input across time chunks of
// one stream: the input frames (axis 2) that later outputs still need,
// which for stride 1 are the last (K-1)·Dilation frames. It lives in host
// memory so that it survives the Reset of the per-chunk context. The zero
// value is an empty cache (the start of a stream). Its host buffers are
// overwritten from chunk to chunk, so a stream of equal chunks allocates no
// host memory after the first; a copy of a cache in use shares them, so
// Reset a copy before streaming into it.
type CausalCache struct {
	started bool
	tail    []float32 // row-major [B, C, n, ...]; capacity kept across chunks
	shape   []int     // empty when n = 0; capacity kept across chunks
}

// Reset empties the cache, so the next chunk starts a new stream. It also
// drops the buffers, which a copy of the cache may share.
func (c *CausalCache) Reset() { *c = CausalCache{} }

// Frames is the number of cached input frames.
func (c *CausalCache) Frames() int {
	if len(c.shape) == 0 {
		return 0
	}
	return c.shape[2]
}

// causalTime is the time-axis (axis 2) part of a causal convolution: left
// padding of (k-1)·dil frames on the first chunk, the cached tail on later
// ones, then conv (which must not pad time) with time stride st.
type causalTime struct {
	k, dil, st int
	mode       backend.PadMode
}

// forward runs conv on x, padded or continued from cache (nil for a whole
// clip). It returns nil when a chunk is too short to complete an output
// frame (possible only with stride > 1).
func (ct causalTime) forward(ctx backend.Context, x backend.Tensor, cache *CausalCache, conv func(backend.Tensor) backend.Tensor) backend.Tensor {
	shape := x.Shape()
	if len(shape) < 3 {
		backend.ShapePanic("nn.CausalConv", "x must be [B, C, T, ...]", x)
	}
	span := (ct.k-1)*ct.dil + 1
	xp := x
	switch {
	case cache == nil || !cache.started:
		if pad := span - 1; pad > 0 {
			before := make([]int, len(shape))
			before[2] = pad
			xp = ctx.Pad(x, before, make([]int, len(shape)), ct.mode, 0)
		}
	case len(cache.shape) > 0:
		if !slices.Equal(cache.shape[:2], shape[:2]) || !slices.Equal(cache.shape[3:], shape[3:]) {
			backend.ShapePanic("nn.CausalConv", "chunk shape differs from the stream's earlier chunks", x)
		}
		xp = ctx.Concat(2, ctx.Constant(cache.tail, cache.shape...), x)
	}
	n := xp.Shape()[2]
	nOut := 0
	if n >= span {
		nOut = (n-span)/ct.st + 1
	}
	if cache != nil {
		// xp holds its own copy of the old tail (Constant copies), so the
		// tail's buffer can be overwritten now.
		cache.started = true
		cache.tail, cache.shape = cache.tail[:0], cache.shape[:0]
		if used := nOut * ct.st; used < n {
			rest := ctx.Slice(xp, 2, used, n)
			cache.tail = backend.Float32Into(ctx.Backend(), cache.tail, rest)
			cache.shape = append(cache.shape, rest.Shape()...)
		}
	}
	if nOut == 0 {
		return nil
	}
	return conv(xp)
}

// CausalConv3d is a convolution of video latents x [B, Cin, T, H, W] that is
// causal in time: output frame t sees input frames ≤ t only. Time is padded
// on the left with (KT-1)·Dilation[0] frames, zeros or copies of the first
// frame (TimePadMode PadConstant or PadReplicate), and not on the right;
// height and width are padded symmetrically by Padding, filled as
// SpatialPadMode says. Zero strides, dilations and Groups mean 1.
//
// Forward processes a whole clip. Stream processes a clip in time chunks
// with bounded memory: Cache keeps the input frames later outputs need, so
// concatenating the chunks' outputs gives Forward's output exactly.
type CausalConv3d struct {
	Weight backend.Tensor `weight:"weight"`        // [Cout, Cin/Groups, KT, KH, KW]
	Bias   backend.Tensor `weight:"bias,optional"` // [Cout] or nil

	Stride, Dilation [3]int // (time, height, width)
	Padding          [2]int // (height, width), both sides
	Groups           int
	TimePadMode      backend.PadMode // PadConstant (zeros) or PadReplicate
	SpatialPadMode   backend.PadMode

	Cache CausalCache // Stream's state
}

// Forward convolves a whole clip x [B, Cin, T, H, W] into [B, Cout, T', H', W'].
func (c *CausalConv3d) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return c.time().forward(ctx, x, nil, func(xp backend.Tensor) backend.Tensor { return c.conv(ctx, xp) })
}

// Stream convolves the next time chunk x [B, Cin, Tc, H, W] of a stream
// begun after the last ResetStream. It returns nil when the chunk completes
// no output frame (only with time stride > 1).
func (c *CausalConv3d) Stream(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return c.time().forward(ctx, x, &c.Cache, func(xp backend.Tensor) backend.Tensor { return c.conv(ctx, xp) })
}

// ResetStream forgets the cached frames; the next Stream call starts a clip.
func (c *CausalConv3d) ResetStream() { c.Cache.Reset() }

func (c *CausalConv3d) time() causalTime {
	return causalTime{k: c.Weight.Shape()[2], dil: max(c.Dilation[0], 1), st: max(c.Stride[0], 1), mode: c.TimePadMode}
}

func (c *CausalConv3d) conv(ctx backend.Context, xp backend.Tensor) backend.Tensor {
	pad := []int{0, c.Padding[0], c.Padding[1]}
	return ctx.Conv(xp, c.Weight, c.Bias, convParams(c.Stride[:], pad, pad, c.Dilation[:], c.Groups, c.SpatialPadMode))
}

// CausalConv1d is a causal 1-d convolution of x [B, Cin, T] (audio
// latents): T is padded on the left only, with (K-1)·Dilation zeros or
// copies of the first frame (PadMode), and Stream decodes in chunks exactly
// as CausalConv3d's. Zero Stride, Dilation and Groups mean 1.
type CausalConv1d struct {
	Weight backend.Tensor `weight:"weight"`        // [Cout, Cin/Groups, K]
	Bias   backend.Tensor `weight:"bias,optional"` // [Cout] or nil

	Stride, Dilation, Groups int
	PadMode                  backend.PadMode // PadConstant (zeros) or PadReplicate

	Cache CausalCache // Stream's state
}

// Forward convolves a whole sequence x [B, Cin, T] into [B, Cout, T'].
func (c *CausalConv1d) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return c.time().forward(ctx, x, nil, func(xp backend.Tensor) backend.Tensor { return c.conv(ctx, xp) })
}

// Stream convolves the next chunk x [B, Cin, Tc] of a stream begun after
// the last ResetStream; nil when the chunk completes no output frame.
func (c *CausalConv1d) Stream(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return c.time().forward(ctx, x, &c.Cache, func(xp backend.Tensor) backend.Tensor { return c.conv(ctx, xp) })
}

// ResetStream forgets the cached frames; the next Stream call starts a sequence.
func (c *CausalConv1d) ResetStream() { c.Cache.Reset() }

func (c *CausalConv1d) time() causalTime {
	return causalTime{k: c.Weight.Shape()[2], dil: max(c.Dilation, 1), st: max(c.Stride, 1), mode: c.PadMode}
}

func (c *CausalConv1d) conv(ctx backend.Context, xp backend.Tensor) backend.Tensor {
	return conv(ctx, xp, c.Weight, c.Bias, c.Stride, 0, c.Dilation, c.Groups, backend.PadConstant)
}
