package nn

import (
	"fmt"
	"math"
	"slices"

	"github.com/lockstep-av/lockstep/backend"
)

// QKNorm says whether and how queries and keys are RMS-normalised before
// RoPE and the dot product.
type QKNorm uint8

// Query/key norm variants.
const (
	// QKNormNone applies no norm.
	QKNormNone QKNorm = iota
	// QKNormFull normalises q and k over the whole inner dimension H·D
	// before the heads are split, with weights [H·D] (Wan, LTX).
	QKNormFull
	// QKNormPerHead normalises each head's D features separately, with
	// weights [D] shared by all heads (Flux, SD3).
	QKNormPerHead
)

// Attention is multi-head scaled dot-product attention with linear q, k, v
// and output projections (Wan's WanSelfAttention / WanCrossAttention names).
// With kv = x it is self-attention; with kv = text context tokens it is
// cross-attention.
//
//	q = Q(x), k = K(kv), v = V(kv)          [B, S, H·D]
//	q, k = norm(q), norm(k)                  (QKNorm)
//	q, k, v → [B, H, S, D]; q, k = RoPE(q), RoPE(k)
//	o = softmax(q·kᵀ/√D + mask)·v → [B, S, H·D]
//	y = O(o)
type Attention struct {
	Q     Linear         `weight:"q"`                      // Weight [H·D, dim]
	K     Linear         `weight:"k"`                      // Weight [H·D, dimKV]
	V     Linear         `weight:"v"`                      // Weight [H·D, dimKV]
	O     Linear         `weight:"o"`                      // Weight [dim, H·D]
	NormQ backend.Tensor `weight:"norm_q.weight,optional"` // [H·D] (QKNormFull) or [D] (QKNormPerHead)
	NormK backend.Tensor `weight:"norm_k.weight,optional"` // same as NormQ

	Heads  int     // H
	QKNorm QKNorm  // which q/k norm NormQ and NormK implement
	Eps    float32 // of the q/k RMS norm; 0 means DefaultEps
}

// Forward attends from x [B, S, dim] to kv [B, Sk, dimKV]. rope (nil for
// none) rotates q and k, so it needs Sk == S (self-attention over one
// sequence, such as the joint video+audio tokens). mask is nil or additive,
// broadcastable to [B, H, S, Sk] (-Inf removes a key).
func (a *Attention) Forward(ctx backend.Context, x, kv backend.Tensor, rope *RoPE, mask backend.Tensor) backend.Tensor {
	xs, ks := x.Shape(), kv.Shape()
	if len(xs) != 3 || len(ks) != 3 || xs[0] != ks[0] {
		backend.ShapePanic("nn.Attention", "x and kv must be [B, S, dim] with equal B", x, kv)
	}
	inner := a.Q.Out()
	if a.Heads <= 0 || inner%a.Heads != 0 {
		panic(fmt.Sprintf("nn.Attention: %d heads do not divide inner dimension %d", a.Heads, inner))
	}
	hd := inner / a.Heads
	q := a.Q.Forward(ctx, x)
	k := a.K.Forward(ctx, kv)
	v := a.V.Forward(ctx, kv)
	eps := epsOr(a.Eps)
	if a.QKNorm == QKNormFull {
		q = backend.RMSNorm(ctx, q, a.NormQ, eps)
		k = backend.RMSNorm(ctx, k, a.NormK, eps)
	}
	q, k, v = a.splitHeads(ctx, q), a.splitHeads(ctx, k), a.splitHeads(ctx, v)
	if a.QKNorm == QKNormPerHead {
		// RMSNorm over the last axis D of [B, H, S, D] is per head.
		q = backend.RMSNorm(ctx, q, a.NormQ, eps)
		k = backend.RMSNorm(ctx, k, a.NormK, eps)
	}
	if rope != nil {
		q, k = rope.Apply(ctx, q), rope.Apply(ctx, k)
	}
	o := backend.Attention(ctx, q, k, v, mask, float32(1/math.Sqrt(float64(hd))))
	return a.O.Forward(ctx, a.mergeHeads(ctx, o))
}

// Check reports inconsistent shapes or settings of a bound Attention: the
// four linears (Q.Out = K.Out = V.Out = O.In = H·D, K.In = V.In), Heads
// dividing H·D, and q/k norm weights matching QKNorm ([H·D] or [D], or
// absent for QKNormNone; nil weights under a norm mean no affine scale).
func (a *Attention) Check() error {
	for _, l := range []struct {
		name string
		l    *Linear
	}{{"q", &a.Q}, {"k", &a.K}, {"v", &a.V}, {"o", &a.O}} {
		if err := l.l.Check(); err != nil {
			return fmt.Errorf("attention %s: %w", l.name, err)
		}
	}
	inner := a.Q.Out()
	if a.K.Out() != inner || a.V.Out() != inner || a.O.In() != inner || a.K.In() != a.V.In() {
		return fmt.Errorf("attention: projections disagree: q %v, k %v, v %v, o %v",
			a.Q.Weight.Shape(), a.K.Weight.Shape(), a.V.Weight.Shape(), a.O.Weight.Shape())
	}
	if a.Heads <= 0 || inner%a.Heads != 0 {
		return fmt.Errorf("attention: %d heads do not divide inner dimension %d", a.Heads, inner)
	}
	var want []int
	switch a.QKNorm {
	case QKNormNone:
		if a.NormQ != nil || a.NormK != nil {
			return fmt.Errorf("attention: q/k norm weights bound but QKNorm is none")
		}
		return nil
	case QKNormFull:
		want = []int{inner}
	case QKNormPerHead:
		want = []int{inner / a.Heads}
	default:
		return fmt.Errorf("attention: invalid QKNorm %d", a.QKNorm)
	}
	for _, w := range []backend.Tensor{a.NormQ, a.NormK} {
		if w != nil && !slices.Equal(w.Shape(), want) {
			return fmt.Errorf("attention: q/k norm weight %v, want %v", w.Shape(), want)
		}
	}
	return nil
}

// splitHeads maps [B, S, H·D] to [B, H, S, D].
func (a *Attention) splitHeads(ctx backend.Context, t backend.Tensor) backend.Tensor {
	s := t.Shape()
	return ctx.Permute(ctx.Reshape(t, s[0], s[1], a.Heads, s[2]/a.Heads), 0, 2, 1, 3)
}

// mergeHeads maps [B, H, S, D] to [B, S, H·D].
func (a *Attention) mergeHeads(ctx backend.Context, t backend.Tensor) backend.Tensor {
	s := t.Shape()
	return ctx.Reshape(ctx.Permute(t, 0, 2, 1, 3), s[0], s[2], s[1]*s[3])
}
