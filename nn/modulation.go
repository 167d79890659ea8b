package nn

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
)

// Modulate is adaLN's affine modulation x·(1 + scale) + shift; shift and
// scale broadcast against x (typically [B, 1, D] against tokens [B, S, D]).
func Modulate(ctx backend.Context, x, shift, scale backend.Tensor) backend.Tensor {
	return ctx.Binary(backend.Add, ctx.Binary(backend.Mul, x, ctx.Affine(scale, 1, 1)), shift)
}

// GatedResidual is the gated residual update x + y·gate (gate broadcast
// against y, typically [B, 1, D]).
func GatedResidual(ctx backend.Context, x, y, gate backend.Tensor) backend.Tensor {
	return ctx.Binary(backend.Add, x, ctx.Binary(backend.Mul, y, gate))
}

// Chunks splits e [B, n·D] or [B, n, D] into n tensors [B, 1, D], the
// shift/scale/gate vectors of adaLN (torch.chunk along the n axis).
func Chunks(ctx backend.Context, e backend.Tensor, n int) []backend.Tensor {
	s := e.Shape()
	switch {
	case len(s) == 2 && n > 0 && s[1]%n == 0:
		e = ctx.Reshape(e, s[0], n, s[1]/n)
	case len(s) == 3 && s[1] == n:
	default:
		backend.ShapePanic("nn.Chunks", fmt.Sprintf("cannot split into %d chunks", n), e)
	}
	out := make([]backend.Tensor, n)
	for i := range out {
		out[i] = ctx.Slice(e, 1, i, i+1)
	}
	return out
}

// ConditionProjection turns the timestep embedding into the modulation
// vectors of every block: Linear(SiLU(c)) reshaped to [B, n, D], bound as
// Wan's time_projection nn.Sequential(SiLU, Linear) (the linear is entry
// "1").
type ConditionProjection struct {
	Linear Linear `weight:"1"` // Weight [n·D, D]
	N      int    // number of modulation vectors (6 for a Wan block)
}

// Forward maps c [B, D] to [B, N, D'] with D' = Linear.Out()/N.
func (p *ConditionProjection) Forward(ctx backend.Context, c backend.Tensor) backend.Tensor {
	y := p.Linear.Forward(ctx, ctx.Unary(backend.SiLU, c))
	s := y.Shape()
	if p.N <= 0 || s[len(s)-1]%p.N != 0 {
		backend.ShapePanic("nn.ConditionProjection", fmt.Sprintf("%d outputs not divisible into %d vectors", s[len(s)-1], p.N), y)
	}
	return ctx.Reshape(y, s[0], p.N, s[1]/p.N)
}

// Modulation is a block's learned modulation table, added to the projected
// condition before it is split (Wan's per-block "modulation" parameter):
// (Table + e).chunk(n) gives shift, scale, gate, ... A model with one table
// per modality (video and audio tokens modulated separately) holds one
// Modulation each.
type Modulation struct {
	Table backend.Tensor `weight:"modulation"` // [1, n, D]
}

// Chunks returns the n vectors [B, 1, D] of Table + e for e [B, n, D].
func (m *Modulation) Chunks(ctx backend.Context, e backend.Tensor) []backend.Tensor {
	n := m.Table.Shape()[1]
	return Chunks(ctx, ctx.Binary(backend.Add, m.Table, e), n)
}
