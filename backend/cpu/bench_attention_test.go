package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// BenchmarkAttention times the fused attention at batch 1, 4 heads, head
// dimension 64, for sequence lengths 1024 and 4096 on 1 and 2 threads. It
// reports GFLOP/s (4·S²·D·H flops per op), tokens/s, and the op's scratch
// memory in bytes (the score matrix would be H·S²·4 bytes).
func BenchmarkAttention(b *testing.B) {
	const heads, dim = 4, 64
	for _, seq := range []int{1024, 4096} {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("S=%d/threads=%d", seq, threads), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 1))
				be := New(threads)
				c := be.newContext()
				shape := []int{1, heads, seq, dim}
				n := backend.NumElements(shape)
				q, _ := be.FromFloat32(spRand(rng, n), shape...)
				k, _ := be.FromFloat32(spRand(rng, n), shape...)
				v, _ := be.FromFloat32(spRand(rng, n), shape...)
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					c.Attention(q, k, v, nil, 0.125)
					c.Reset()
				}
				sec := b.Elapsed().Seconds()
				flops := 4 * float64(seq) * float64(seq) * dim * heads
				b.ReportMetric(flops*float64(b.N)/sec/1e9, "GFLOP/s")
				b.ReportMetric(float64(seq)*float64(b.N)/sec, "tokens/s")
				workers := min(threads, heads*((seq+attnBlockQ-1)/attnBlockQ))
				b.ReportMetric(float64(4*workers*attnFloats), "scratch-B/op")
				b.ReportMetric(float64(4*heads*seq*seq), "scores-B-avoided/op")
			})
		}
	}
}

// BenchmarkAttentionDemo times the fused attention at the shipped demo
// model's shapes on one thread: 3 heads of 64 over the 448 + 53 tokens of
// a 25×64×64 clip (self-attention) and the same queries against a
// 12-token caption (cross-attention). Reports GFLOP/s.
func BenchmarkAttentionDemo(b *testing.B) {
	const heads, dim, seq = 3, 64, 501
	for _, keys := range []int{seq, 12} {
		b.Run(fmt.Sprintf("Sq=%d/Sk=%d", seq, keys), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			be := New(1)
			c := be.newContext()
			q, _ := be.FromFloat32(spRand(rng, heads*seq*dim), 1, heads, seq, dim)
			k, _ := be.FromFloat32(spRand(rng, heads*keys*dim), 1, heads, keys, dim)
			v, _ := be.FromFloat32(spRand(rng, heads*keys*dim), 1, heads, keys, dim)
			for b.Loop() {
				c.Attention(q, k, v, nil, 0.125)
				c.Reset()
			}
			flops := 4 * float64(seq) * float64(keys) * dim * heads
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
