package vae

import (
	"strconv"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/nn"
)

// ResBlock1d is the audio VAE's residual block:
//
//	y = x + conv2(Snake2(conv1(Snake1(x))))
//
// conv1 has kernel 7 and the block's dilation, conv2 kernel 1.
type ResBlock1d struct {
	Snake1 Snake           `weight:"snake1"`
	Conv1  nn.CausalConv1d `weight:"conv1"` // [C, C, 7]
	Snake2 Snake           `weight:"snake2"`
	Conv2  nn.CausalConv1d `weight:"conv2"` // [C, C, 1]
}

func (r *ResBlock1d) forward(ctx backend.Context, x backend.Tensor, stream bool) backend.Tensor {
	h := conv1(ctx, &r.Conv1, r.Snake1.Forward(ctx, x), stream)
	h = conv1(ctx, &r.Conv2, r.Snake2.Forward(ctx, h), stream)
	return ctx.Binary(backend.Add, x, h)
}

func newResBlock1d(dil int) ResBlock1d {
	return ResBlock1d{Conv1: nn.CausalConv1d{Dilation: dil}}
}

func (r *ResBlock1d) check(sc *shapeChecker, name string, c int) {
	sc.want(name+".snake1.alpha", r.Snake1.Alpha, c)
	sc.want(name+".snake2.alpha", r.Snake2.Alpha, c)
	checkConv1(sc, name+".conv1", &r.Conv1, c, c, 7)
	checkConv1(sc, name+".conv2", &r.Conv2, c, c, 1)
}

func (r *ResBlock1d) convs() []*nn.CausalConv1d { return []*nn.CausalConv1d{&r.Conv1, &r.Conv2} }

// Up1d multiplies time by Factor: Snake, conv (Cin → Cout·Factor, k3),
// DepthToSpace(Factor), ResBlock1d(Cout, dilation 3).
type Up1d struct {
	Snake  Snake           `weight:"snake"`
	Conv   nn.CausalConv1d `weight:"conv"` // [Cout·Factor, Cin, 3]
	Res    ResBlock1d      `weight:"res"`
	Factor int
}

func (u *Up1d) forward(ctx backend.Context, x backend.Tensor, stream bool) backend.Tensor {
	h := conv1(ctx, &u.Conv, u.Snake.Forward(ctx, x), stream)
	return u.Res.forward(ctx, backend.DepthToSpace(ctx, h, u.Factor), stream)
}

// AudioDecoder maps latents μ [1, Z, T] to a waveform [1, 1, Hop·T]
// (640 samples per token; not clamped, clamp to [-1, 1] when writing):
//
//	conv_in (Z → D0, k3), mid ResBlock1d(D0, 1),
//	up.i (D_i → D_{i+1}, ×f_i), snake_out, conv_out (D_last → phase, k7),
//	DepthToSpace(phase)
//
// Decode processes a whole sequence; NewStream decodes it token chunk by
// token chunk. An AudioDecoder is read-only once loaded.
type AudioDecoder struct {
	ConvIn   nn.CausalConv1d `weight:"conv_in"` // [D0, Z, 3]
	Mid      ResBlock1d      `weight:"mid"`
	Up       []Up1d          `weight:"up"`
	SnakeOut Snake           `weight:"snake_out"`
	ConvOut  nn.CausalConv1d `weight:"conv_out"` // [phase, D_last, 7]
	Phase    int             // samples folded into conv_out's channels
}

// Decode decodes latents z [1, Z, T] (denormalised) to [1, 1, Hop·T].
func (d *AudioDecoder) Decode(ctx backend.Context, z backend.Tensor) backend.Tensor {
	checkLatent3("AudioDecoder.Decode", z, d.ConvIn.Weight.Shape()[1])
	return d.forward(ctx, z, false)
}

func (d *AudioDecoder) forward(ctx backend.Context, z backend.Tensor, stream bool) backend.Tensor {
	h := conv1(ctx, &d.ConvIn, z, stream)
	h = d.Mid.forward(ctx, h, stream)
	for i := range d.Up {
		h = d.Up[i].forward(ctx, h, stream)
	}
	h = conv1(ctx, &d.ConvOut, d.SnakeOut.Forward(ctx, h), stream)
	return backend.DepthToSpace(ctx, h, d.Phase)
}

func (d *AudioDecoder) convs() []*nn.CausalConv1d {
	cs := append([]*nn.CausalConv1d{&d.ConvIn, &d.ConvOut}, d.Mid.convs()...)
	for i := range d.Up {
		cs = append(cs, &d.Up[i].Conv)
		cs = append(cs, d.Up[i].Res.convs()...)
	}
	return cs
}

// NewStream starts a chunked decode of one sequence; the stream owns the
// causal caches (host memory), so the caller may Reset its context after
// consuming each chunk's samples.
func (d *AudioDecoder) NewStream() *AudioStream {
	s := &AudioStream{dec: *d}
	s.dec.Up = append([]Up1d(nil), d.Up...)
	s.Reset()
	return s
}

// AudioStream decodes one latent sequence in chunks of tokens: token k
// yields samples [Hop·k, Hop·k+Hop), equal to AudioDecoder.Decode's.
type AudioStream struct {
	dec    AudioDecoder // a copy whose convolutions hold this stream's caches
	tokens int
}

// Feed decodes the next tokens z [1, Z, k] (denormalised) into [1, 1,
// Hop·k], a temporary of ctx. k = 0 returns nil.
func (s *AudioStream) Feed(ctx backend.Context, z backend.Tensor) backend.Tensor {
	checkLatent3("AudioStream.Feed", z, s.dec.ConvIn.Weight.Shape()[1])
	if z.Shape()[2] == 0 {
		return nil
	}
	out := s.dec.forward(ctx, z, true)
	s.tokens += z.Shape()[2]
	return out
}

// Tokens is the number of tokens fed so far.
func (s *AudioStream) Tokens() int { return s.tokens }

// Reset empties the caches so that the next Feed starts a new sequence.
func (s *AudioStream) Reset() {
	for _, c := range s.dec.convs() {
		c.ResetStream()
	}
	s.tokens = 0
}

func checkLatent3(op string, z backend.Tensor, channels int) {
	if sh := z.Shape(); len(sh) != 3 || sh[1] != channels {
		backend.ShapePanic(op, "latents must be [B, Z, T] with Z = the decoder's z channels", z)
	}
}

func checkConv1(sc *shapeChecker, name string, c *nn.CausalConv1d, cout, cin, k int) {
	sc.want(name+".weight", c.Weight, cout, cin, k)
	sc.want(name+".bias", c.Bias, cout)
}

func newAudioDecoder(cfg AudioConfig) *AudioDecoder {
	d := &AudioDecoder{Mid: newResBlock1d(1), Phase: cfg.PhaseFactor, Up: make([]Up1d, len(cfg.DecFactors))}
	for i, f := range cfg.DecFactors {
		d.Up[i] = Up1d{Res: newResBlock1d(3), Factor: f}
	}
	return d
}

func (d *AudioDecoder) check(sc *shapeChecker, cfg AudioConfig) {
	c := cfg.DecChannels
	checkConv1(sc, "decoder.conv_in", &d.ConvIn, c[0], cfg.ZChannels, 3)
	d.Mid.check(sc, "decoder.mid", c[0])
	for i, f := range cfg.DecFactors {
		name := "decoder.up." + strconv.Itoa(i)
		sc.want(name+".snake.alpha", d.Up[i].Snake.Alpha, c[i])
		checkConv1(sc, name+".conv", &d.Up[i].Conv, c[i+1]*f, c[i], 3)
		d.Up[i].Res.check(sc, name+".res", c[i+1])
	}
	sc.want("decoder.snake_out.alpha", d.SnakeOut.Alpha, c[len(c)-1])
	checkConv1(sc, "decoder.conv_out", &d.ConvOut, cfg.PhaseFactor, c[len(c)-1], 7)
}
