package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// BenchmarkConv3d times a causal 3×3×3 convolution at a small video-VAE
// decoder shape (x [1, 64, 4, 32, 32], w [64, 64, 3, 3, 3], replicate
// padding in time, zero padding in space) on 1 and 2 threads and reports
// GFLOP/s (2·Cout·Cin·27 flops per output position).
func BenchmarkConv3d(b *testing.B) {
	xs, ws := []int{1, 64, 4, 32, 32}, []int{64, 64, 3, 3, 3}
	p := backend.ConvParams{PadBefore: []int{2, 1, 1}, PadAfter: []int{0, 1, 1}, PadMode: backend.PadReplicate}
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			be := New(threads)
			c := be.newContext()
			x, _ := be.FromFloat32(spRand(rng, backend.NumElements(xs)), xs...)
			w, _ := be.FromFloat32(spRand(rng, backend.NumElements(ws)), ws...)
			bias, _ := be.FromFloat32(spRand(rng, ws[0]), ws[0])
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				c.Conv(x, w, bias, p)
				c.Reset()
			}
			flops := 2 * float64(ws[0]*ws[1]*27) * float64(xs[2]*xs[3]*xs[4])
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
