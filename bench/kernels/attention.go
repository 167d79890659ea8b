package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
)

// AttentionShape is one self-attention softmax(Q·Kᵀ/√D)·V over
// [1, Heads, Seq, Dim] tensors.
type AttentionShape struct{ Heads, Seq, Dim int }

func (s AttentionShape) String() string { return fmt.Sprintf("h%d_s%d_d%d", s.Heads, s.Seq, s.Dim) }

// AttentionShapes: 8 heads of dimension 64 at 1024, 4096 and 16384 tokens
// (the demo's head size; 16384 tokens is a 4-second LTX-class clip), and
// dimension 128 at 4096 (LTX-Video's head size).
var AttentionShapes = []AttentionShape{
	{8, 1024, 64},
	{8, 4096, 64},
	{8, 4096, 128},
	{8, 16384, 64},
}

// Attention times the backend's fused attention. PeakBytes is the live
// memory one call on a fresh context leaves behind (output and the
// arena's scratch tiles; small per-tile garbage is collected first); the
// score matrix it avoids would be 4·Heads·Seq² bytes.
func Attention(shapes []AttentionShape, threads int, t Timing) ([]Record, error) {
	var recs []Record
	for _, s := range shapes {
		be := cpu.New(threads)
		rng := rand.New(rand.NewPCG(uint64(s.Seq), uint64(s.Dim)))
		n := s.Heads * s.Seq * s.Dim
		var qkv [3]backend.Tensor
		for i := range qkv {
			var err error
			if qkv[i], err = be.FromFloat32(randn(rng, n, 1), 1, s.Heads, s.Seq, s.Dim); err != nil {
				return nil, err
			}
		}
		scale := float32(1 / math.Sqrt(float64(s.Dim)))
		peak := retained(func() any {
			ctx := be.NewContext()
			return []any{ctx, backend.Attention(ctx, qkv[0], qkv[1], qkv[2], nil, scale)}
		})
		ctx := be.NewContext()
		med, fast, runs := measure(t, func() {
			backend.Attention(ctx, qkv[0], qkv[1], qkv[2], nil, scale)
			ctx.Reset()
		})
		flops := 4 * float64(s.Heads) * float64(s.Seq) * float64(s.Seq) * float64(s.Dim)
		recs = append(recs, Record{Name: "attention", Shape: s.String(), Threads: threads, MedianMS: med, MinMS: fast, Runs: runs,
			GFLOPS: flops / med / 1e6, PeakBytes: peak,
			Note: fmt.Sprintf("scores would be %.0f MB", 4*float64(s.Heads)*float64(s.Seq)*float64(s.Seq)/1e6)})
	}
	return recs, nil
}
