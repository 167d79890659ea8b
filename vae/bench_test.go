package vae

import (
	"image"
	"testing"

	"github.com/lockstep-av/lockstep/backend/cpu"
)

// BenchmarkVideoDecode decodes the default clip (latent 16×7×8×8 → 25
// frames of 64×64, 2.08 s at 12 fps) with random weights of the default
// config; "output_s/s" is seconds of video decoded per second.
func BenchmarkVideoDecode(b *testing.B) {
	be := cpu.New(0)
	m := randomModel(b, be, defaultConfig(), 1)
	zv, _ := randomLatents(b, be, m, 7, 8, 8, 1, 1)
	ctx := be.NewContext()
	frames := m.Config.Video.Frames(7)
	b.ResetTimer()
	for b.Loop() {
		y := m.Video.Decoder.Decode(ctx, zv)
		if y.Shape()[2] != frames {
			b.Fatalf("decoded %v", y.Shape())
		}
		ctx.Reset()
	}
	sec := float64(frames) / m.Config.FPS
	b.ReportMetric(sec*float64(b.N)/b.Elapsed().Seconds(), "output_s/s")
}

// BenchmarkAudioDecode decodes 53 latent tokens (33920 samples, 2.12 s at
// 16 kHz) with random weights of the default config; "output_s/s" is
// seconds of audio decoded per second.
func BenchmarkAudioDecode(b *testing.B) {
	be := cpu.New(0)
	m := randomModel(b, be, defaultConfig(), 1)
	_, za := randomLatents(b, be, m, 1, 1, 1, 53, 1)
	ctx := be.NewContext()
	b.ResetTimer()
	for b.Loop() {
		m.Audio.Decoder.Decode(ctx, za)
		ctx.Reset()
	}
	sec := float64(53*m.Config.Audio.Hop) / float64(m.Config.SampleRate)
	b.ReportMetric(sec*float64(b.N)/b.Elapsed().Seconds(), "output_s/s")
}

// BenchmarkLockstepDecode decodes the default clip window by window (one
// latent frame per window), frames converted to RGBA.
func BenchmarkLockstepDecode(b *testing.B) {
	be := cpu.New(0)
	m := randomModel(b, be, defaultConfig(), 1)
	samples := m.Config.Samples(m.Config.Video.Frames(7))
	zv, za := randomLatents(b, be, m, 7, 8, 8, m.Config.Audio.Tokens(samples), 1)
	ctx := be.NewContext()
	l := NewLockstep(m)
	b.ResetTimer()
	for b.Loop() {
		if _, err := l.Decode(b.Context(), ctx, zv, za, func([]*image.RGBA, []float32) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	sec := float64(m.Config.Video.Frames(7)) / m.Config.FPS
	b.ReportMetric(sec*float64(b.N)/b.Elapsed().Seconds(), "output_s/s")
}
