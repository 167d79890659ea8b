package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// TestCoreDeterminism runs every core op and fused norm on shapes large
// enough to be split across goroutines and requires bit-identical results
// for 1, 2, 3 and 7 threads.
func TestCoreDeterminism(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	x := coreRand(rng, 96*520, 3)
	y := coreRand(rng, 520*300, 1)
	v := coreRand(rng, 520, 1)
	run := func(threads int) [][]float32 {
		bk := New(threads)
		c := bk.newContext()
		xt := c.Constant(x, 96, 520)
		yt := c.Constant(y, 520, 300)
		vt := c.Constant(v, 520)
		h, _ := coreHalf(t, bk, backend.BF16, y, 300, 520)
		ops := []backend.Tensor{
			c.MatMul(xt, yt, false, false),
			c.MatMul(c.Reshape(xt, 4, 24, 520), h, false, true),
			c.MatMul(c.Reshape(xt, 4, 24, 520), c.Reshape(xt, 4, 24, 520), true, false),
			c.MatMul(c.Reshape(xt, 32, 3, 520), c.Reshape(xt, 32, 3, 520), false, true),
			c.Binary(backend.Mul, xt, vt),
			c.Binary(backend.Sub, xt, c.Reduce(backend.Mean, xt, -1, true)),
			c.Unary(backend.GELU, xt),
			c.Unary(backend.SiLU, xt),
			c.Affine(xt, 0.3, 0.1),
			c.Reduce(backend.Sum, xt, 0, false),
			c.Reduce(backend.Max, xt, 1, false),
			c.Softmax(xt, -1),
			c.Softmax(xt, 0),
			c.LayerNorm(xt, vt, vt, 1e-5),
			c.RMSNorm(xt, vt, 1e-6),
			c.GroupNorm(c.Reshape(xt, 2, 48, 520), 8, nil, nil, 1e-5),
			c.PixelNorm(c.Reshape(xt, 2, 48, 520), 1, 1e-8),
			c.Permute(c.Reshape(xt, 8, 12, 520), 2, 0, 1),
			c.Pad(xt, []int{3, 5}, []int{2, 7}, backend.PadReflect, 0),
			c.Concat(1, xt, xt),
		}
		out := make([][]float32, len(ops))
		for i, o := range ops {
			out[i] = bk.Float32(o)
		}
		return out
	}
	ref := run(1)
	for _, threads := range []int{2, 3, 7} {
		got := run(threads)
		for i := range ref {
			coreSame(t, fmt.Sprintf("op %d with %d threads", i, threads), got[i], ref[i])
		}
	}
}
