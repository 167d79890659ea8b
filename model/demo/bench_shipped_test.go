package demo

import (
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/model/demo/checkpoint"
	"github.com/lockstep-av/lockstep/weights"
)

// BenchmarkDiTStepShipped times one DiT forward of the shipped checkpoint
// (patch [1,1,1]: 448 video + 53 audio tokens at the default 25×64×64 clip)
// on one thread, the configuration of `lockstep bench step --threads 1`.
// Reports ms/step; run with -cpuprofile to see where a step goes.
func BenchmarkDiTStepShipped(b *testing.B) {
	f, err := weights.Parse(checkpoint.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	be := cpu.New(1)
	m, err := Load(be, f)
	if err != nil {
		b.Fatal(err)
	}
	ids, err := m.Tokenizer.Encode("two small red balls bounce on a grey floor")
	if err != nil {
		b.Fatal(err)
	}
	text := m.Text.Forward(be.NewContext(), ids)
	rng := rand.New(rand.NewPCG(2, 3))
	noise := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	zv, err := be.FromFloat32(noise(16*7*8*8), 1, 16, 7, 8, 8)
	if err != nil {
		b.Fatal(err)
	}
	za, err := be.FromFloat32(noise(8*53), 1, 8, 53)
	if err != nil {
		b.Fatal(err)
	}
	ctx := be.NewContext()
	s := []float64{0.6}
	for b.Loop() {
		if _, _, err := m.DiT.Forward(ctx, zv, za, text, s, s); err != nil {
			b.Fatal(err)
		}
		ctx.Reset()
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/step")
}
