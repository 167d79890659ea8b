package vae

import "github.com/lockstep-av/lockstep/backend"

// Denormalize maps normalised video latents z [B, C, F, h, w] (what the
// diffusion model works on) to the decoder's input μ = z·std + mean, per
// channel.
func (v VideoConfig) Denormalize(ctx backend.Context, z backend.Tensor) backend.Tensor {
	return affineChannels(ctx, z, v.LatentStd, v.LatentMean, false)
}

// Normalize maps encoder means μ [B, C, F, h, w] to normalised latents
// z = (μ - mean)/std, per channel.
func (v VideoConfig) Normalize(ctx backend.Context, mu backend.Tensor) backend.Tensor {
	return affineChannels(ctx, mu, v.LatentStd, v.LatentMean, true)
}

// Denormalize maps normalised audio latents z [B, C, T] to the decoder's
// input μ = z·std + mean, per channel.
func (a AudioConfig) Denormalize(ctx backend.Context, z backend.Tensor) backend.Tensor {
	return affineChannels(ctx, z, a.LatentStd, a.LatentMean, false)
}

// Normalize maps encoder means μ [B, C, T] to z = (μ - mean)/std.
func (a AudioConfig) Normalize(ctx backend.Context, mu backend.Tensor) backend.Tensor {
	return affineChannels(ctx, mu, a.LatentStd, a.LatentMean, true)
}

// affineChannels returns x·std + mean (inverse: (x - mean)/std) with the
// per-channel vectors broadcast along axis 1 of x [B, C, ...].
func affineChannels(ctx backend.Context, x backend.Tensor, std, mean []float32, inverse bool) backend.Tensor {
	shape := x.Shape()
	if len(shape) < 3 || shape[1] != len(std) || len(mean) != len(std) {
		backend.ShapePanic("vae.latent normalisation", "x must be [B, C, ...] with C = len(latent_std)", x)
	}
	bc := make([]int, len(shape)-1)
	for i := range bc {
		bc[i] = 1
	}
	bc[0] = shape[1]
	s, m := ctx.Constant(std, bc...), ctx.Constant(mean, bc...)
	if inverse {
		return ctx.Binary(backend.Div, ctx.Binary(backend.Sub, x, m), s)
	}
	return ctx.Binary(backend.Add, ctx.Binary(backend.Mul, x, s), m)
}
