package cpu

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

func TestSnake(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const bsz, ch, tl = 2, 5, 37
	x := spRand(rng, bsz*ch*tl)
	alpha, beta := spRand(rng, ch), spRand(rng, ch)
	for i := range alpha {
		alpha[i] *= 4
		beta[i] = 0.2 + float32(math.Abs(float64(beta[i])))
	}
	for _, withBeta := range []bool{true, false} {
		bv := beta
		if !withBeta {
			bv = alpha
		}
		want := make([]float64, len(x))
		for i, v := range x {
			c := (i / tl) % ch
			s := math.Sin(float64(alpha[c]) * float64(v))
			want[i] = float64(v) + s*s/(float64(bv[c])+backend.SnakeEps)
		}
		c := New(3).NewContext()
		xt, at := c.Constant(x, bsz, ch, tl), c.Constant(alpha, ch)
		var bt backend.Tensor
		if withBeta {
			bt = c.Constant(beta, ch)
		}
		got := c.Backend().Float32(backend.Snake(c, xt, at, bt))
		spCheck(t, "snake", got, want, 1e-6, 1e-5)
		spComposed(t, func() {
			slow := c.Backend().Float32(backend.Snake(backend.WithoutFastPaths(c), xt, at, bt))
			w := make([]float64, len(slow))
			for i, s := range slow {
				w[i] = float64(s)
			}
			spCheck(t, "snake vs composed", got, w, 1e-6, 1e-6)
		})
	}
	c := New(1).newContext()
	spExpectShapePanic(t, "rank", func() { c.Snake(c.Zeros(2, 3), c.Zeros(3), nil) })
	spExpectShapePanic(t, "alpha", func() { c.Snake(c.Zeros(1, 2, 3), c.Zeros(3), nil) })
}
