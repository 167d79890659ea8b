package vae

import (
	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/nn"
)

// ResBlock3d is the video VAE's residual block:
//
//	y = x + conv2(SiLU(norm2(conv1(SiLU(norm1(x))))))
//
// with causal 3×3×3 convolutions of C channels.
type ResBlock3d struct {
	Norm1 ChanRMS         `weight:"norm1"`
	Conv1 nn.CausalConv3d `weight:"conv1"` // [C, C, 3, 3, 3]
	Norm2 ChanRMS         `weight:"norm2"`
	Conv2 nn.CausalConv3d `weight:"conv2"` // [C, C, 3, 3, 3]
}

func (r *ResBlock3d) forward(ctx backend.Context, x backend.Tensor, stream bool) backend.Tensor {
	h := conv3(ctx, &r.Conv1, silu(ctx, r.Norm1.Forward(ctx, x)), stream)
	h = conv3(ctx, &r.Conv2, silu(ctx, r.Norm2.Forward(ctx, h)), stream)
	return ctx.Binary(backend.Add, x, h)
}

func (r *ResBlock3d) check(sc *shapeChecker, name string, c int) {
	sc.want(name+".norm1.gamma", r.Norm1.Gamma, c)
	sc.want(name+".norm2.gamma", r.Norm2.Gamma, c)
	checkConv3(sc, name+".conv1", &r.Conv1, c, c)
	checkConv3(sc, name+".conv2", &r.Conv2, c, c)
}

// Up3d doubles time, height and width: conv (Cin → Cout·8), DepthToSpace
// (2, 2, 2), the first frame of a clip dropped, then a ResBlock3d(Cout).
type Up3d struct {
	Conv nn.CausalConv3d `weight:"conv"` // [Cout·8, Cin, 3, 3, 3]
	Res  ResBlock3d      `weight:"res"`
}

// forward upsamples x; first says x starts the clip, whose first output
// frame is dropped (latent frame 0 stands for one frame, not two).
func (u *Up3d) forward(ctx backend.Context, x backend.Tensor, stream, first bool) backend.Tensor {
	h := backend.DepthToSpace(ctx, conv3(ctx, &u.Conv, x, stream), 2, 2, 2)
	if first {
		h = ctx.Slice(h, 2, 1, h.Shape()[2])
	}
	return u.Res.forward(ctx, h, stream)
}

// VideoDecoder maps latents μ [1, Z, 1+n, h, w] to frames [1, 3, 1+4n,
// 8h, 8w] with values nominally in [-1, 1] (not clamped):
//
//	conv_in (Z → C2), mid ResBlock3d(C2), up.0 (C2 → C1), up.1 (C1 → C0),
//	norm_out, SiLU, conv_out (C0 → 3·4), DepthToSpace(1, 2, 2)
//
// Decode processes a whole clip; NewStream decodes it in chunks of latent
// frames. A VideoDecoder is read-only once loaded and may serve several
// streams at once (from different goroutines, each with its own context).
type VideoDecoder struct {
	ConvIn  nn.CausalConv3d `weight:"conv_in"` // [C2, Z, 3, 3, 3]
	Mid     ResBlock3d      `weight:"mid"`
	Up      [2]Up3d         `weight:"up"`
	NormOut ChanRMS         `weight:"norm_out"`
	ConvOut nn.CausalConv3d `weight:"conv_out"` // [12, C0, 3, 3, 3]
}

// Decode decodes a whole clip z [1, Z, F', h, w] (denormalised latents) to
// frames [1, 3, 1+4(F'-1), 8h, 8w].
func (d *VideoDecoder) Decode(ctx backend.Context, z backend.Tensor) backend.Tensor {
	checkLatent5("VideoDecoder.Decode", z, d.ConvIn.Weight.Shape()[1])
	return d.forward(ctx, z, false, true)
}

func (d *VideoDecoder) forward(ctx backend.Context, z backend.Tensor, stream, first bool) backend.Tensor {
	h := conv3(ctx, &d.ConvIn, z, stream)
	h = d.Mid.forward(ctx, h, stream)
	for i := range d.Up {
		h = d.Up[i].forward(ctx, h, stream, first)
	}
	h = conv3(ctx, &d.ConvOut, silu(ctx, d.NormOut.Forward(ctx, h)), stream)
	return backend.DepthToSpace(ctx, h, 1, 2, 2)
}

// NewStream starts a chunked decode of one clip. The stream holds the
// causal caches (host memory), so the caller may Reset its context after
// consuming each chunk's frames.
func (d *VideoDecoder) NewStream() *VideoStream {
	s := &VideoStream{dec: *d}
	s.dec.reset()
	return s
}

// reset empties every causal cache.
func (d *VideoDecoder) reset() {
	for _, c := range d.convs() {
		c.ResetStream()
	}
}

func (d *VideoDecoder) convs() []*nn.CausalConv3d {
	cs := []*nn.CausalConv3d{&d.ConvIn, &d.Mid.Conv1, &d.Mid.Conv2, &d.ConvOut}
	for i := range d.Up {
		cs = append(cs, &d.Up[i].Conv, &d.Up[i].Res.Conv1, &d.Up[i].Res.Conv2)
	}
	return cs
}

// VideoStream decodes one clip in chunks of latent frames. Feeding the
// latent frames [a, b) returns frames [4a-3, 4b-3) ([0, 4b-3) when a = 0),
// equal to the same frames of VideoDecoder.Decode on the whole clip.
type VideoStream struct {
	dec     VideoDecoder // a copy whose convolutions hold this stream's caches
	latents int          // latent frames fed so far
}

// Feed decodes the next latent frames z [1, Z, k, h, w] (denormalised) and
// returns the new frames [1, 3, n, 8h, 8w], a temporary of ctx; n is 1+4(k-1)
// for the first chunk and 4k after it. Every chunk must have the same
// batch, channels, height and width. k = 0 returns nil.
func (s *VideoStream) Feed(ctx backend.Context, z backend.Tensor) backend.Tensor {
	checkLatent5("VideoStream.Feed", z, s.dec.ConvIn.Weight.Shape()[1])
	if z.Shape()[2] == 0 {
		return nil
	}
	out := s.dec.forward(ctx, z, true, s.latents == 0)
	s.latents += z.Shape()[2]
	return out
}

// LatentFrames is the number of latent frames fed so far.
func (s *VideoStream) LatentFrames() int { return s.latents }

// Reset empties the caches so that the next Feed starts a new clip.
func (s *VideoStream) Reset() {
	s.dec.reset()
	s.latents = 0
}

func checkLatent5(op string, z backend.Tensor, channels int) {
	if sh := z.Shape(); len(sh) != 5 || sh[1] != channels {
		backend.ShapePanic(op, "latents must be [B, Z, F, h, w] with Z = the decoder's z channels", z)
	}
}

func checkConv3(sc *shapeChecker, name string, c *nn.CausalConv3d, cout, cin int) {
	sc.want(name+".weight", c.Weight, cout, cin, 3, 3, 3)
	sc.want(name+".bias", c.Bias, cout)
}

// newVideoDecoder returns a decoder with the convolutions' hyper-parameters
// set (causal zero time padding, spatial padding 1), weights unbound.
func newVideoDecoder() *VideoDecoder {
	d := &VideoDecoder{}
	for _, c := range d.convs() {
		*c = causal3(1)
	}
	return d
}

func (d *VideoDecoder) check(sc *shapeChecker, cfg VideoConfig) {
	c := cfg.Channels
	checkConv3(sc, "decoder.conv_in", &d.ConvIn, c[2], cfg.ZChannels)
	d.Mid.check(sc, "decoder.mid", c[2])
	for i, io := range [][2]int{{c[2], c[1]}, {c[1], c[0]}} {
		name := "decoder.up." + string(rune('0'+i))
		checkConv3(sc, name+".conv", &d.Up[i].Conv, io[1]*8, io[0])
		d.Up[i].Res.check(sc, name+".res", io[1])
	}
	sc.want("decoder.norm_out.gamma", d.NormOut.Gamma, c[0])
	checkConv3(sc, "decoder.conv_out", &d.ConvOut, 12, c[0])
}

// causal3 is a causal 3×3×3 convolution layer of the video VAE with the
// given stride on every axis.
func causal3(stride int) nn.CausalConv3d {
	return nn.CausalConv3d{
		Stride:         [3]int{stride, stride, stride},
		Padding:        [2]int{1, 1},
		TimePadMode:    backend.PadConstant,
		SpatialPadMode: backend.PadConstant,
	}
}
