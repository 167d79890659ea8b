package demo

import (
	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/nn"
)

// Head is a modality's output head (`dit.head_video`, `dit.head_audio`):
// adaLN with two vectors taken from the time embedding e of DiT.Time
// (before the time projection, as in Wan; with text_pool it includes the
// pooled caption), then a linear map to the latent features.
//
//	(sh, sc) = (modulation + e[:, None]).chunk(2)
//	out      = head(LN(x)·(1+sc) + sh)
type Head struct {
	Modulation backend.Tensor `weight:"modulation" shape:"1,2,dim"`
	Head       nn.Linear      `weight:"head"` // [out, D]

	Eps float32 // of the LayerNorm (dit.eps)
}

// Forward maps tokens x [B, S, D] with time embedding e [B, D] (B may be 1)
// to [B, S, out].
func (h *Head) Forward(ctx backend.Context, x, e backend.Tensor) backend.Tensor {
	es := e.Shape()
	m := nn.Chunks(ctx, ctx.Binary(backend.Add, h.Modulation, ctx.Reshape(e, es[0], 1, es[1])), 2)
	return h.Head.Forward(ctx, backend.ModulatedLayerNorm(ctx, x, m[0], m[1], h.Eps))
}
