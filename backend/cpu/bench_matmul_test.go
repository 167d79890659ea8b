package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// BenchmarkMatMul reports GFLOP/s (2·M·N·K per product) for 1024³ and the
// shapes of a small DiT (1024 tokens, width 256, MLP 1024), on 1 and 2
// threads, with F32 weights and (for one shape) BF16 weights.
func BenchmarkMatMul(b *testing.B) {
	shapes := []struct {
		name    string
		m, n, k int
		dt      backend.DType
	}{
		{"1024x1024x1024", 1024, 1024, 1024, backend.F32},
		{"dit_qkv_1024x256x256", 1024, 256, 256, backend.F32},
		{"dit_up_1024x1024x256", 1024, 1024, 256, backend.F32},
		{"dit_down_1024x256x1024", 1024, 256, 1024, backend.F32},
		{"dit_up_bf16_1024x1024x256", 1024, 1024, 256, backend.BF16},
	}
	rng := rand.New(rand.NewPCG(61, 62))
	for _, s := range shapes {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads%d", s.name, threads), func(b *testing.B) {
				bk := New(threads)
				c := bk.newContext()
				x := c.Constant(coreRand(rng, s.m*s.k, 1), s.m, s.k)
				var w backend.Tensor
				if s.dt == backend.F32 {
					w = c.Constant(coreRand(rng, s.k*s.n, 1), s.k, s.n)
				} else {
					w = c.Cast(c.Constant(coreRand(rng, s.k*s.n, 1), s.k, s.n), s.dt)
				}
				c.MatMul(x, w, false, false) // warm the arena and the packing buffers
				c.Reset()
				b.ResetTimer()
				for range b.N {
					c.MatMul(x, w, false, false)
					c.Reset()
				}
				gflops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N) / b.Elapsed().Seconds() / 1e9
				b.ReportMetric(gflops, "GFLOP/s")
			})
		}
	}
}
