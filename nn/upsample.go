package nn

import "github.com/lockstep-av/lockstep/backend"

// UpsampleNearest repeats each element of the trailing len(scale) axes of x
// scale[i] times (PyTorch's interpolate(mode="nearest") with integer
// factors): [B, C, T, H, W] with scale (1, 2, 2) doubles height and width.
func UpsampleNearest(ctx backend.Context, x backend.Tensor, scale ...int) backend.Tensor {
	return ctx.UpsampleNearest(x, scale...)
}

// DepthToSpace moves channel blocks into space: x [B, C·∏f, S0, S1, ...]
// becomes [B, C, S0·f0, S1·f1, ...] with the channel index ordered
// (c, f0, f1, ...). For two axes it is PyTorch's pixel_shuffle; for video
// latents (time, height, width) it is the usual 3-d generalisation used by
// video VAE decoders.
func DepthToSpace(ctx backend.Context, x backend.Tensor, factors ...int) backend.Tensor {
	return backend.DepthToSpace(ctx, x, factors...)
}
