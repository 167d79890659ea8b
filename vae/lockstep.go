package vae

import (
	"context"
	"fmt"
	"image"
	"math"
	"time"

	"github.com/lockstep-av/lockstep/backend"
)

// Sink receives one lockstep window: its new frames and the audio samples
// of exactly the same time interval (mono, clamped to [-1, 1], NaN as 0). frames and
// audio are reused by the next window: copy what must outlive the call.
// media.Writer's WriteWindow method is a Sink.
type Sink func(frames []*image.RGBA, audio []float32) error

// LockstepDecoder decodes a clip's latents window by window in time. A
// window is Window latent video frames (default 1); window [a, b) yields
// frames [F(a), F(b)) with F(0) = 0 and F(k) = 4k-3, and the samples
// [N(F(a)), N(F(b))) with N(f) = round(f/fps·sample_rate), so every window
// holds the audio of its frames' interval and the whole clip has
// round(frames/fps·sample_rate) samples.
//
// Audio sample n depends only on latent tokens ≤ n/hop, so a window feeds
// the audio stream the tokens up to ceil(N(F(b))/hop) and keeps the
// samples decoded past N(F(b)) for the next window. When za has fewer
// tokens than the clip needs, the missing samples are zeros; frames are
// never dropped.
type LockstepDecoder struct {
	Video  *VideoDecoder
	Audio  *AudioDecoder
	Config Config
	// Window is the number of latent video frames per window; 0 means 1.
	Window int
}

// NewLockstep returns a lockstep decoder of m's decoders with windows of
// one latent frame (4 video frames, 1/3 s at 12 fps).
func NewLockstep(m *Model) *LockstepDecoder {
	return &LockstepDecoder{Video: m.Video.Decoder, Audio: m.Audio.Decoder, Config: m.Config, Window: 1}
}

// LockstepStats counts what Decode emitted.
type LockstepStats struct {
	Windows      int // sink calls
	Frames       int // 1 + 4·(latent frames - 1)
	Samples      int // round(Frames/fps·sample_rate)
	PaddedAudio  int // samples that were zeros because za was too short
	AudioTokens  int // latent tokens decoded
	LatentFrames int // latent video frames decoded

	// Video and Audio are the time spent in the video and the audio
	// decoder (latent slicing, denormalisation, decoding and the copy to
	// host memory); the sink's time is in neither.
	Video, Audio time.Duration
}

// Decode decodes normalised latents zv [1, Zv, F', h, w] and za [1, Za, T]
// and calls sink once per window, in time order. It copies zv and za to
// host memory first, then Resets bctx after the video and after the audio
// part of every window, so bctx must be a context dedicated to decoding;
// the decoders' causal caches live in host memory and memory stays bounded
// by one window whatever the clip length. Once warm, a window allocates
// no host buffer: the caches, the read-backs and the latent slices reuse
// theirs, and bctx's arena its buffers.
// ctx cancels between windows. An error of sink stops decoding and is
// returned wrapped.
func (l *LockstepDecoder) Decode(ctx context.Context, bctx backend.Context, zv, za backend.Tensor, sink Sink) (LockstepStats, error) {
	var st LockstepStats
	vs, as := zv.Shape(), za.Shape()
	if len(vs) != 5 || vs[0] != 1 || vs[1] != l.Config.Video.ZChannels || vs[2] < 1 {
		return st, fmt.Errorf("lockstep decode: video latents %v, want [1, %d, F, h, w] with F >= 1", vs, l.Config.Video.ZChannels)
	}
	if len(as) != 3 || as[0] != 1 || as[1] != l.Config.Audio.ZChannels {
		return st, fmt.Errorf("lockstep decode: audio latents %v, want [1, %d, T]", as, l.Config.Audio.ZChannels)
	}
	b := bctx.Backend()
	// Host copies, channel-major as the tensors are: [C][F][h·w] and [C][T].
	hv, ha := b.Float32(zv), b.Float32(za)
	bctx.Reset()

	win := max(l.Window, 1)
	latents, tokensAvail := vs[2], as[2]
	vcfg, acfg := l.Config.Video, l.Config.Audio
	st.LatentFrames = latents
	st.Frames = vcfg.Frames(latents)
	st.Samples = l.Config.Samples(st.Frames)

	vstream, astream := l.Video.NewStream(), l.Audio.NewStream()
	// Every host buffer below is reused from window to window, so after
	// the first windows a window allocates (almost) nothing: memory does
	// not depend on the clip length, and neither does the GC's pacing.
	var (
		frames  []*image.RGBA // reused frame buffers
		pending []float32     // decoded samples [emitted, emitted+len) not yet emitted
		out     []float32     // the window's audio
		emitted int           // samples emitted so far
		zbuf    []float32     // latent slice staging
		ybuf    []float32     // decoded frames or samples read back
	)
	for a := 0; a < latents; a += win {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("lockstep decode: %w", err)
		}
		bEnd := min(a+win, latents)
		// Video: latent frames [a, bEnd).
		t0 := time.Now()
		var zc backend.Tensor
		zc, zbuf = sliceLatent5(bctx, zbuf, hv, vs, a, bEnd)
		y := vstream.Feed(bctx, vcfg.Denormalize(bctx, zc))
		ybuf = backend.Float32Into(b, ybuf, y)
		frames = toRGBA(frames, ybuf, y.Shape())
		if want := vcfg.Frames(bEnd) - vcfg.Frames(a); len(frames) != want {
			return st, fmt.Errorf("lockstep decode: video decoder gave %d frames for latent frames [%d, %d), want %d", len(frames), a, bEnd, want)
		}

		// The frames are on the host now: free the video temporaries so
		// that the audio decoder reuses their memory (the arena holds the
		// larger of the two decoders' windows, not their sum).
		bctx.Reset()
		t1 := time.Now()
		st.Video += t1.Sub(t0)

		// Audio: samples [emitted, target).
		target := l.Config.Samples(vcfg.Frames(bEnd))
		need := min(acfg.Tokens(target), tokensAvail)
		if fed := astream.Tokens(); need > fed {
			var zt backend.Tensor
			zt, zbuf = sliceLatent3(bctx, zbuf, ha, as, fed, need)
			ybuf = backend.Float32Into(b, ybuf, astream.Feed(bctx, acfg.Denormalize(bctx, zt)))
			pending = append(pending, ybuf...)
			st.AudioTokens = need
		}
		n := target - emitted
		out = out[:0]
		take := min(n, len(pending))
		for _, v := range pending[:take] {
			out = append(out, clampSample(v))
		}
		for range n - take {
			out = append(out, 0)
		}
		st.PaddedAudio += n - take
		pending = pending[:copy(pending, pending[take:])]
		emitted = target

		bctx.Reset()
		st.Audio += time.Since(t1)
		if err := sink(frames, out); err != nil {
			return st, fmt.Errorf("lockstep decode: window of latent frames [%d, %d): %w", a, bEnd, err)
		}
		st.Windows++
	}
	return st, nil
}

// clampSample clamps an audio sample to [-1, 1] (NaN becomes 0).
func clampSample(v float32) float32 {
	if v != v {
		return 0
	}
	return min(max(v, -1), 1)
}

// sliceLatent5 copies latent frames [a, b) of host video latents v of
// shape [1, C, F, h, w] into a tensor of ctx, staged in buf's storage; it
// returns the tensor and the staging buffer for reuse.
func sliceLatent5(ctx backend.Context, buf, v []float32, shape []int, a, b int) (backend.Tensor, []float32) {
	c, f, hw := shape[1], shape[2], shape[3]*shape[4]
	buf = buf[:0]
	for ch := range c {
		buf = append(buf, v[(ch*f+a)*hw:(ch*f+b)*hw]...)
	}
	return ctx.Constant(buf, 1, c, b-a, shape[3], shape[4]), buf
}

// sliceLatent3 copies tokens [a, b) of host audio latents v [1, C, T] as
// sliceLatent5 does.
func sliceLatent3(ctx backend.Context, buf, v []float32, shape []int, a, b int) (backend.Tensor, []float32) {
	c, t := shape[1], shape[2]
	buf = buf[:0]
	for ch := range c {
		buf = append(buf, v[ch*t+a:ch*t+b]...)
	}
	return ctx.Constant(buf, 1, c, b-a), buf
}

// toRGBA converts frames y [1, 3, n, H, W] in [-1, 1] to n RGBA images
// (alpha 255), reusing the images of dst when their size matches. Each
// channel value becomes clamp(round((y+1)·127.5), 0, 255), rounding half to
// even as the reference (torch.round) does.
func toRGBA(dst []*image.RGBA, y []float32, shape []int) []*image.RGBA {
	n, h, w := shape[2], shape[3], shape[4]
	hw := h * w
	for len(dst) < n {
		dst = append(dst, nil)
	}
	dst = dst[:n]
	for f := range n {
		img := dst[f]
		if img == nil || img.Rect.Dx() != w || img.Rect.Dy() != h {
			img = image.NewRGBA(image.Rect(0, 0, w, h))
			dst[f] = img
		}
		for c := range 3 {
			plane := y[(c*n+f)*hw : (c*n+f+1)*hw]
			for i, v := range plane {
				img.Pix[4*i+c] = PixelByte(v)
			}
		}
		for i := range hw {
			img.Pix[4*i+3] = 255
		}
	}
	return dst
}

// PixelByte converts a decoded value y (nominally in [-1, 1]) to a byte:
// clamp(round((y+1)·127.5), 0, 255) with y clamped to [-1, 1] first and
// halves rounded to even, as train/data.py to_bytes.
func PixelByte(y float32) uint8 {
	if y != y { // NaN
		return 0
	}
	y = min(max(y, -1), 1)
	return uint8(math.RoundToEven(float64((y + 1) * 127.5)))
}
