package demo

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/nn"
)

// TextEncoder is the caption encoder (`text.`): token and learned position
// embeddings, pre-norm transformer layers (bidirectional attention without
// q/k norm or RoPE) and a final LayerNorm.
//
//	h = tok_emb[ids] + pos_emb[:L]
//	h += attn(LN1(h)); h += ffn(LN2(h))     per layer
//	ctx = LN(h)                              [1, L, text.dim]
type TextEncoder struct {
	TokenEmbedding    backend.Tensor `weight:"token_embedding.weight" shape:"vocab,text_dim"`
	PositionEmbedding backend.Tensor `weight:"position_embedding" shape:"text_max_tokens,text_dim"`
	Layers            []*TextLayer   `weight:"layers"`
	Norm              TextNorm       `weight:"norm"`
}

// TextLayer is one pre-norm transformer layer of the text encoder.
type TextLayer struct {
	Norm1 TextNorm       `weight:"norm1"`
	Attn  nn.Attention   `weight:"attn"`
	Norm2 TextNorm       `weight:"norm2"`
	FFN   nn.FeedForward `weight:"ffn"`
}

// TextNorm is an affine LayerNorm of the text width (text.eps), with
// shape-checked weights.
type TextNorm struct {
	Weight backend.Tensor `weight:"weight" shape:"text_dim"`
	Bias   backend.Tensor `weight:"bias" shape:"text_dim"`
	Eps    float32
}

// Forward normalises x [..., text.dim].
func (n *TextNorm) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return backend.LayerNorm(ctx, x, n.Weight, n.Bias, n.Eps)
}

func newTextEncoder(c *Config) *TextEncoder {
	eps := float32(c.Text.Eps)
	t := &TextEncoder{Layers: make([]*TextLayer, c.Text.Layers), Norm: TextNorm{Eps: eps}}
	for i := range t.Layers {
		t.Layers[i] = &TextLayer{
			Norm1: TextNorm{Eps: eps},
			Attn:  nn.Attention{Heads: c.Text.Heads, QKNorm: nn.QKNormNone},
			Norm2: TextNorm{Eps: eps},
		}
	}
	return t
}

// check verifies the bound linears against the config.
func (t *TextEncoder) check(c *Config) error {
	for i, l := range t.Layers {
		if err := l.Attn.Check(); err != nil {
			return fmt.Errorf("text.layers.%d: %w", i, err)
		}
		if err := l.FFN.Check(); err != nil {
			return fmt.Errorf("text.layers.%d.ffn: %w", i, err)
		}
		if in, hid := l.Attn.Q.In(), l.FFN.Up.Out(); in != c.Text.Dim || l.Attn.Q.Out() != c.Text.Dim || hid != c.Text.FFNDim || l.FFN.Up.In() != c.Text.Dim {
			return fmt.Errorf("text.layers.%d: attention %v and ffn %v do not match text.dim %d, text.ffn_dim %d",
				i, l.Attn.Q.Weight.Shape(), l.FFN.Up.Weight.Shape(), c.Text.Dim, c.Text.FFNDim)
		}
	}
	return nil
}

// Forward encodes one tokenized caption (ids from Tokenizer.Encode, at most
// max_tokens) into the context tokens [1, L, text.dim].
func (t *TextEncoder) Forward(ctx backend.Context, ids []int) backend.Tensor {
	maxL, d := t.PositionEmbedding.Shape()[0], t.PositionEmbedding.Shape()[1]
	if len(ids) == 0 || len(ids) > maxL {
		backend.ShapePanic("demo.TextEncoder", fmt.Sprintf("%d tokens, want 1..%d", len(ids), maxL), t.PositionEmbedding)
	}
	h := ctx.Binary(backend.Add, ctx.Embedding(t.TokenEmbedding, ids), ctx.Slice(t.PositionEmbedding, 0, 0, len(ids)))
	h = ctx.Reshape(h, 1, len(ids), d)
	for _, l := range t.Layers {
		h = l.Forward(ctx, h)
	}
	return t.Norm.Forward(ctx, h)
}

// Forward applies the layer to h [B, L, D]: attention then feed-forward,
// each on the LayerNorm of the residual stream.
func (l *TextLayer) Forward(ctx backend.Context, h backend.Tensor) backend.Tensor {
	x := l.Norm1.Forward(ctx, h)
	h = ctx.Binary(backend.Add, h, l.Attn.Forward(ctx, x, x, nil, nil))
	x = l.Norm2.Forward(ctx, h)
	return ctx.Binary(backend.Add, h, l.FFN.Forward(ctx, x))
}
