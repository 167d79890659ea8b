package vae

import (
	"strconv"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/nn"
)

// Down1d divides time by its stride s: ResBlock1d(Cin, 1), Snake, then a
// causal conv (Cin → Cout) of kernel 2s and stride s.
type Down1d struct {
	Res   ResBlock1d      `weight:"res"`
	Snake Snake           `weight:"snake"`
	Conv  nn.CausalConv1d `weight:"conv"` // [Cout, Cin, 2s], stride s
}

// AudioEncoder maps a waveform x [1, 1, Hop·T] to the latent mean and
// log-variance [1, Z, T]:
//
//	SpaceToDepth(phase), conv_in (phase → E0, k7), down.j (E_j → E_{j+1},
//	stride s_j; the last width repeats), mid ResBlock1d, snake_out,
//	conv_out (E_last → 2Z, k3)
type AudioEncoder struct {
	ConvIn   nn.CausalConv1d `weight:"conv_in"` // [E0, phase, 7]
	Down     []Down1d        `weight:"down"`
	Mid      ResBlock1d      `weight:"mid"`
	SnakeOut Snake           `weight:"snake_out"`
	ConvOut  nn.CausalConv1d `weight:"conv_out"` // [2Z, E_last, 3]
	Phase    int
}

// Encode returns μ and log-variance of the latent of x [1, 1, L] (L a
// multiple of Hop); normalise μ with AudioConfig.Normalize for the model.
func (e *AudioEncoder) Encode(ctx backend.Context, x backend.Tensor) (mu, logvar backend.Tensor) {
	if sh := x.Shape(); len(sh) != 3 || sh[1] != 1 || sh[2]%e.Phase != 0 {
		backend.ShapePanic("AudioEncoder.Encode", "x must be [B, 1, L] with L a multiple of the phase factor", x)
	}
	h := e.ConvIn.Forward(ctx, SpaceToDepth(ctx, x, e.Phase))
	for i := range e.Down {
		d := &e.Down[i]
		h = d.Conv.Forward(ctx, d.Snake.Forward(ctx, d.Res.forward(ctx, h, false)))
	}
	h = e.ConvOut.Forward(ctx, e.SnakeOut.Forward(ctx, e.Mid.forward(ctx, h, false)))
	z := h.Shape()[1] / 2
	return ctx.Slice(h, 1, 0, z), ctx.Slice(h, 1, z, 2*z)
}

func newAudioEncoder(cfg AudioConfig) *AudioEncoder {
	e := &AudioEncoder{Mid: newResBlock1d(1), Phase: cfg.PhaseFactor, Down: make([]Down1d, len(cfg.EncStrides))}
	for i, s := range cfg.EncStrides {
		e.Down[i] = Down1d{Res: newResBlock1d(1), Conv: nn.CausalConv1d{Stride: s}}
	}
	return e
}

// encWidths is the encoder's channel list with the last width repeated
// (train/demo_model.py AudioEncoder).
func (a AudioConfig) encWidths() []int {
	return append(append([]int(nil), a.EncChannels...), a.EncChannels[len(a.EncChannels)-1])
}

func (e *AudioEncoder) check(sc *shapeChecker, cfg AudioConfig) {
	c := cfg.encWidths()
	checkConv1(sc, "encoder.conv_in", &e.ConvIn, c[0], cfg.PhaseFactor, 7)
	for i, s := range cfg.EncStrides {
		name := "encoder.down." + strconv.Itoa(i)
		e.Down[i].Res.check(sc, name+".res", c[i])
		sc.want(name+".snake.alpha", e.Down[i].Snake.Alpha, c[i])
		checkConv1(sc, name+".conv", &e.Down[i].Conv, c[i+1], c[i], 2*s)
	}
	e.Mid.check(sc, "encoder.mid", c[len(c)-1])
	sc.want("encoder.snake_out.alpha", e.SnakeOut.Alpha, c[len(c)-1])
	checkConv1(sc, "encoder.conv_out", &e.ConvOut, 2*cfg.ZChannels, c[len(c)-1], 3)
}
