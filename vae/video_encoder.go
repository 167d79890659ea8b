package vae

import (
	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/nn"
)

// Down3d halves time, height and width: ResBlock3d(Cin), then a causal
// conv (Cin → Cout) of stride 2 on every axis.
type Down3d struct {
	Res  ResBlock3d      `weight:"res"`
	Conv nn.CausalConv3d `weight:"conv"` // [Cout, Cin, 3, 3, 3], stride (2, 2, 2)
}

// VideoEncoder maps frames x [1, 3, F, H, W] in [-1, 1] (F = 1+4n, H and W
// multiples of 8) to the latent mean and log-variance [1, Z, 1+n, H/8, W/8]:
//
//	SpaceToDepth(1, 2, 2), conv_in (12 → C0), down.0 (C0 → C1),
//	down.1 (C1 → C2), mid ResBlock3d(C2), norm_out, SiLU, conv_out (C2 → 2Z)
//
// It runs on whole clips (image and video input).
type VideoEncoder struct {
	ConvIn  nn.CausalConv3d `weight:"conv_in"` // [C0, 12, 3, 3, 3]
	Down    [2]Down3d       `weight:"down"`
	Mid     ResBlock3d      `weight:"mid"`
	NormOut ChanRMS         `weight:"norm_out"`
	ConvOut nn.CausalConv3d `weight:"conv_out"` // [2Z, C2, 3, 3, 3]
}

// Encode returns the mean μ and log-variance of the latent of x [1, 3, F,
// H, W]; normalise μ with VideoConfig.Normalize for the diffusion model.
func (e *VideoEncoder) Encode(ctx backend.Context, x backend.Tensor) (mu, logvar backend.Tensor) {
	if sh := x.Shape(); len(sh) != 5 || sh[1] != 3 || sh[3]%8 != 0 || sh[4]%8 != 0 {
		backend.ShapePanic("VideoEncoder.Encode", "x must be [B, 3, F, H, W] with H and W multiples of 8", x)
	}
	h := e.ConvIn.Forward(ctx, SpaceToDepth(ctx, x, 1, 2, 2))
	for i := range e.Down {
		h = e.Down[i].Conv.Forward(ctx, e.Down[i].Res.forward(ctx, h, false))
	}
	h = e.Mid.forward(ctx, h, false)
	h = e.ConvOut.Forward(ctx, silu(ctx, e.NormOut.Forward(ctx, h)))
	z := h.Shape()[1] / 2
	return ctx.Slice(h, 1, 0, z), ctx.Slice(h, 1, z, 2*z)
}

func newVideoEncoder() *VideoEncoder {
	e := &VideoEncoder{ConvIn: causal3(1), ConvOut: causal3(1)}
	e.Mid.Conv1, e.Mid.Conv2 = causal3(1), causal3(1)
	for i := range e.Down {
		e.Down[i].Conv = causal3(2)
		e.Down[i].Res.Conv1, e.Down[i].Res.Conv2 = causal3(1), causal3(1)
	}
	return e
}

func (e *VideoEncoder) check(sc *shapeChecker, cfg VideoConfig) {
	c := cfg.Channels
	checkConv3(sc, "encoder.conv_in", &e.ConvIn, c[0], 12)
	for i, io := range [][2]int{{c[0], c[1]}, {c[1], c[2]}} {
		name := "encoder.down." + string(rune('0'+i))
		e.Down[i].Res.check(sc, name+".res", io[0])
		checkConv3(sc, name+".conv", &e.Down[i].Conv, io[1], io[0])
	}
	e.Mid.check(sc, "encoder.mid", c[2])
	sc.want("encoder.norm_out.gamma", e.NormOut.Gamma, c[2])
	checkConv3(sc, "encoder.conv_out", &e.ConvOut, 2*cfg.ZChannels, c[2])
}
