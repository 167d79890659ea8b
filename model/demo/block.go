package demo

import (
	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/nn"
)

// Block is one AV-DiT block (`dit.blocks.{i}`): joint self-attention over
// the video and audio tokens with per-modality adaLN modulation and gates,
// cross-attention to the caption, and a per-modality feed-forward.
//
//	(sh1, sc1, g1, sh2, sc2, g2)_m = (m.modulation + e6_m).chunk(6)
//	h   = [LN(x_v)·(1+sc1_v)+sh1_v ; LN(x_a)·(1+sc1_a)+sh1_a]
//	y   = self_attn(h, rope)                 one attention over all tokens
//	x_m = x_m + y_m·g1_m
//	x   = x + cross_attn(norm3(x), c)        no gate, no RoPE
//	x_m = x_m + m.ffn(LN(x_m)·(1+sc2_m)+sh2_m)·g2_m
//
// LN is LayerNorm without affine parameters.
type Block struct {
	SelfAttn  nn.Attention  `weight:"self_attn"`  // q, k, v, o [D, D], q/k norm [D] (QKNormFull)
	CrossAttn nn.Attention  `weight:"cross_attn"` // same; k, v read the projected caption
	Norm3     DiTNorm       `weight:"norm3"`      // affine LayerNorm before cross-attention
	Video     ModalityParts `weight:"video"`
	Audio     ModalityParts `weight:"audio"`

	Eps float32 // of the modulated LayerNorms (dit.eps)
}

// ModalityParts are the weights a block keeps per modality.
type ModalityParts struct {
	Modulation backend.Tensor `weight:"modulation" shape:"1,6,dim"` // added to e6 before chunking
	FFN        nn.FeedForward `weight:"ffn"`                        // [ffn, D] then [D, ffn]
}

// DiTNorm is an affine LayerNorm of the DiT width.
type DiTNorm struct {
	Weight backend.Tensor `weight:"weight" shape:"dim"`
	Bias   backend.Tensor `weight:"bias" shape:"dim"`
	Eps    float32
}

// Forward normalises x [..., D].
func (n *DiTNorm) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return backend.LayerNorm(ctx, x, n.Weight, n.Bias, n.Eps)
}

func newBlock(d DiTConfig) *Block {
	eps := float32(d.Eps)
	return &Block{
		SelfAttn:  nn.Attention{Heads: d.Heads, QKNorm: nn.QKNormFull, Eps: eps},
		CrossAttn: nn.Attention{Heads: d.Heads, QKNorm: nn.QKNormFull, Eps: eps},
		Norm3:     DiTNorm{Eps: eps},
		Eps:       eps,
	}
}

// Forward updates the video tokens xv [B, Nv, D] and audio tokens
// xa [B, T, D] given the projected time conditions e6v, e6a [B, 6, D]
// (B may be 1 for all), the projected caption c [B, L, D] and the RoPE
// table of the joint sequence (Nv + T tokens).
func (k *Block) Forward(ctx backend.Context, xv, xa, e6v, e6a, c backend.Tensor, rope *nn.RoPE) (backend.Tensor, backend.Tensor) {
	nv, na := xv.Shape()[1], xa.Shape()[1]
	mv := nn.Chunks(ctx, ctx.Binary(backend.Add, k.Video.Modulation, e6v), 6)
	ma := nn.Chunks(ctx, ctx.Binary(backend.Add, k.Audio.Modulation, e6a), 6)

	h := ctx.Concat(1, k.modLN(ctx, xv, mv[0], mv[1]), k.modLN(ctx, xa, ma[0], ma[1]))
	y := k.SelfAttn.Forward(ctx, h, h, rope, nil)
	xv = nn.GatedResidual(ctx, xv, ctx.Slice(y, 1, 0, nv), mv[2])
	xa = nn.GatedResidual(ctx, xa, ctx.Slice(y, 1, nv, nv+na), ma[2])

	x := ctx.Concat(1, xv, xa)
	x = ctx.Binary(backend.Add, x, k.CrossAttn.Forward(ctx, k.Norm3.Forward(ctx, x), c, nil, nil))
	xv, xa = ctx.Slice(x, 1, 0, nv), ctx.Slice(x, 1, nv, nv+na)

	xv = nn.GatedResidual(ctx, xv, k.Video.FFN.Forward(ctx, k.modLN(ctx, xv, mv[3], mv[4])), mv[5])
	xa = nn.GatedResidual(ctx, xa, k.Audio.FFN.Forward(ctx, k.modLN(ctx, xa, ma[3], ma[4])), ma[5])
	return xv, xa
}

// modLN is the modulated LayerNorm LN(x)·(1+scale)+shift (one fused pass
// where the backend has it).
func (k *Block) modLN(ctx backend.Context, x, shift, scale backend.Tensor) backend.Tensor {
	return backend.ModulatedLayerNorm(ctx, x, shift, scale, k.Eps)
}
