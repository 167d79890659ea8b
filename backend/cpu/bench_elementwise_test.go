package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// BenchmarkElementwise reports throughput (Melem/s) of the activation and
// broadcast ops a DiT block uses, on a [1024, 1024] activation.
func BenchmarkElementwise(b *testing.B) {
	rng := rand.New(rand.NewPCG(71, 72))
	x := coreRand(rng, 1024*1024, 4)
	v := coreRand(rng, 1024, 1)
	ops := []struct {
		name string
		fn   func(c *Context, x, v backend.Tensor)
	}{
		{"gelu", func(c *Context, x, _ backend.Tensor) { c.Unary(backend.GELU, x) }},
		{"gelu_tanh", func(c *Context, x, _ backend.Tensor) { c.Unary(backend.GELUTanh, x) }},
		{"silu", func(c *Context, x, _ backend.Tensor) { c.Unary(backend.SiLU, x) }},
		{"exp", func(c *Context, x, _ backend.Tensor) { c.Unary(backend.Exp, x) }},
		{"mul_row_broadcast", func(c *Context, x, v backend.Tensor) { c.Binary(backend.Mul, x, v) }},
		{"add_same_shape", func(c *Context, x, _ backend.Tensor) { c.Binary(backend.Add, x, x) }},
		{"softmax_last", func(c *Context, x, _ backend.Tensor) { c.Softmax(x, -1) }},
		{"layernorm", func(c *Context, x, v backend.Tensor) { c.LayerNorm(x, v, v, 1e-6) }},
		{"permute_2d", func(c *Context, x, _ backend.Tensor) { c.Permute(x, 1, 0) }},
	}
	for _, op := range ops {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads%d", op.name, threads), func(b *testing.B) {
				c := New(threads).newContext()
				xt, vt := c.Constant(x, 1024, 1024), c.Constant(v, 1024)
				b.ResetTimer()
				for range b.N {
					op.fn(c, xt, vt)
				}
				b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Melem/s")
			})
		}
	}
}
