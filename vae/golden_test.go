package vae

import (
	"fmt"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/tensortest"
	"github.com/lockstep-av/lockstep/weights"
)

func TestVideoDecoderGolden(t *testing.T) {
	forEachGolden(t, func(t *testing.T, f *weights.File, b backend.Backend, m *Model) {
		ctx := b.NewContext()
		checkGolden(t, f, b, m.Video.Decoder.Decode(ctx, tensortest.Tensor(t, f, b, "vdec.z")), "vdec.out")
	})
}

// TestVideoDecoderChunked feeds one latent frame at a time (fixtures
// vdec.chunk{k}) and also checks the chunks against the whole decode.
func TestVideoDecoderChunked(t *testing.T) {
	forEachGolden(t, func(t *testing.T, f *weights.File, b backend.Backend, m *Model) {
		ctx := b.NewContext()
		z := tensortest.Tensor(t, f, b, "vdec.z")
		wt := m.Video.Decoder.Decode(ctx, z)
		whole := frameMajor(b.Float32(wt), wt.Shape())
		s := m.Video.Decoder.NewStream()
		var chunks []float32
		for k := range z.Shape()[2] {
			sctx := b.NewContext()
			out := s.Feed(sctx, sctx.Slice(z, 2, k, k+1))
			checkGolden(t, f, b, out, fmt.Sprintf("vdec.chunk%d", k))
			chunks = appendFrames(chunks, b.Float32(out), out.Shape())
		}
		compare(t, "chunked vs whole", chunks, whole, tol{Abs: 1e-6})
	})
}

func TestVideoEncoderGolden(t *testing.T) {
	forEachGolden(t, func(t *testing.T, f *weights.File, b backend.Backend, m *Model) {
		ctx := b.NewContext()
		mu, logvar := m.Video.Encoder.Encode(ctx, tensortest.Tensor(t, f, b, "venc.x"))
		checkGolden(t, f, b, mu, "venc.mu")
		checkGolden(t, f, b, logvar, "venc.logvar")
	})
}

func TestAudioDecoderGolden(t *testing.T) {
	forEachGolden(t, func(t *testing.T, f *weights.File, b backend.Backend, m *Model) {
		ctx := b.NewContext()
		checkGolden(t, f, b, m.Audio.Decoder.Decode(ctx, tensortest.Tensor(t, f, b, "adec.z")), "adec.out")
	})
}

func TestAudioDecoderChunked(t *testing.T) {
	forEachGolden(t, func(t *testing.T, f *weights.File, b backend.Backend, m *Model) {
		ctx := b.NewContext()
		z := tensortest.Tensor(t, f, b, "adec.z")
		whole := b.Float32(m.Audio.Decoder.Decode(ctx, z))
		s := m.Audio.Decoder.NewStream()
		var chunks []float32
		for k := range z.Shape()[2] {
			ctx.Reset()
			out := s.Feed(ctx, ctx.Slice(z, 2, k, k+1))
			checkGolden(t, f, b, out, fmt.Sprintf("adec.chunk%d", k))
			chunks = append(chunks, b.Float32(out)...)
		}
		compare(t, "chunked vs whole", chunks, whole, tol{Abs: 1e-6})
	})
}

func TestAudioEncoderGolden(t *testing.T) {
	forEachGolden(t, func(t *testing.T, f *weights.File, b backend.Backend, m *Model) {
		ctx := b.NewContext()
		mu, logvar := m.Audio.Encoder.Encode(ctx, tensortest.Tensor(t, f, b, "aenc.x"))
		checkGolden(t, f, b, mu, "aenc.mu")
		checkGolden(t, f, b, logvar, "aenc.logvar")
	})
}

// frameMajor reorders frames [1, C, F, H, W] to [F][C][H][W], so that
// chunks along F concatenate.
func frameMajor(v []float32, shape []int) []float32 {
	return appendFrames(nil, v, shape)
}

// appendFrames appends the frames of v [1, C, F, H, W] in frame-major
// order ([F][C][H][W]).
func appendFrames(dst, v []float32, shape []int) []float32 {
	c, n, hw := shape[1], shape[2], shape[3]*shape[4]
	for fr := range n {
		for ch := range c {
			dst = append(dst, v[(ch*n+fr)*hw:(ch*n+fr+1)*hw]...)
		}
	}
	return dst
}

// TestSampleDecodeGolden decodes the golden sampling run's normalised
// latents with the whole-clip decoders (denormalised with the config's
// latent statistics) and compares the float outputs.
func TestSampleDecodeGolden(t *testing.T) {
	forEachGolden(t, func(t *testing.T, f *weights.File, b backend.Backend, m *Model) {
		ctx := b.NewContext()
		zv, za := tensortest.Tensor(t, f, b, "sample.zv"), tensortest.Tensor(t, f, b, "sample.za")
		checkGolden(t, f, b, m.Video.Decoder.Decode(ctx, m.Config.Video.Denormalize(ctx, zv)), "sample.frames")
		wave := m.Audio.Decoder.Decode(ctx, m.Config.Audio.Denormalize(ctx, za))
		want, _ := tensortest.Values(t, f, "sample.wave")
		compare(t, "sample.wave", b.Float32(wave)[:len(want)], want, goldenTol)
	})
}

// TestNormalizeRoundTrip checks Normalize ∘ Denormalize against the
// per-channel formula.
func TestNormalizeRoundTrip(t *testing.T) {
	forEachGolden(t, func(t *testing.T, f *weights.File, b backend.Backend, m *Model) {
		ctx := b.NewContext()
		z := tensortest.Tensor(t, f, b, "sample.zv")
		zs := b.Float32(z)
		mu := b.Float32(m.Config.Video.Denormalize(ctx, z))
		sh := z.Shape()
		per := sh[2] * sh[3] * sh[4]
		want := make([]float32, len(zs))
		for i, v := range zs {
			c := i / per
			want[i] = float32(float64(v)*float64(m.Config.Video.LatentStd[c]) + float64(m.Config.Video.LatentMean[c]))
		}
		compare(t, "denormalize", mu, want, tol{Abs: 1e-6, Rel: 1e-6})
		back := b.Float32(m.Config.Video.Normalize(ctx, m.Config.Video.Denormalize(ctx, z)))
		compare(t, "normalize(denormalize)", back, zs, tol{Abs: 1e-6, Rel: 1e-6})
	})
}
