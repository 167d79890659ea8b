package cpu

import "github.com/lockstep-av/lockstep/backend"

var _ backend.Snaker = (*Context)(nil)

// Snake is x + sin²(alpha·x)/(beta + SnakeEps) for x [B, C, T] and
// per-channel alpha and beta [C]; beta nil means beta = alpha. The divisor
// is applied as a multiplication by its float32 reciprocal, as in the
// composed version. The sine is the float32 kernel of kernel_act.go
// (AVX-512 where the CPU has it); arguments |alpha·x| > 8192 take math.Sin.
func (c *Context) Snake(x, alpha, beta backend.Tensor) backend.Tensor {
	xs := x.Shape()
	if len(xs) != 3 {
		backend.ShapePanic("Snake", "x must be [B, C, T]", x, alpha, beta)
	}
	if beta == nil {
		beta = alpha
	}
	ch, tl := xs[1], xs[2]
	for _, p := range []backend.Tensor{alpha, beta} {
		if s := p.Shape(); len(s) != 1 || s[0] != ch {
			backend.ShapePanic("Snake", "alpha and beta must be [C]", x, alpha, beta)
		}
	}
	xd := c.f32("Snake", x)
	ad, bd := c.f32("Snake", alpha), c.f32("Snake", beta)
	out := c.newTensor(xs...)
	rows := xs[0] * ch
	if rows == 0 || tl == 0 {
		return out
	}
	c.b.parallelFor(rows, max(1, 4096/tl), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			ci := r % ch
			inv := 1 / (bd[ci] + backend.SnakeEps)
			snakeF32(out.data[r*tl:(r+1)*tl], xd[r*tl:(r+1)*tl], ad[ci], inv)
		}
	})
	return out
}
