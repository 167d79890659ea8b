package demo

import (
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/weights"
)

// BenchmarkDiTStep times one DiT forward (one conditional pass of a
// sampling step) at the default config and clip: 25 frames of 64×64
// (latent 16×7×8×8 → 112 video tokens) and 53 audio tokens, random fp16
// weights of the default sizes, all CPU threads. Reports ms/step.
func BenchmarkDiTStep(b *testing.B) {
	f, err := weights.Parse(randomCheckpoint(b, defaultConfig(b), 1))
	if err != nil {
		b.Fatal(err)
	}
	benchDiTStep(b, f, 0)
}

// benchDiTStep times one DiT forward of the model in f on the default
// clip's latents (16×7×8×8 video, 53 audio tokens, seeded noise) and the
// caption of `lockstep bench step`, with a CPU backend of threads threads
// (0: all), and reports ms/step.
func benchDiTStep(b *testing.B, f *weights.File, threads int) {
	be := cpu.New(threads)
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
