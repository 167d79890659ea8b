package scene

import "testing"

// BenchmarkGenerate generates clips in sequence (one goroutine) and reports
// clips/s and video frames/s.
func BenchmarkGenerate(b *testing.B) {
	frames := 0
	i := 0
	for b.Loop() {
		frames += Generate(1, i).Spec.Frames
		i++
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(i)/s, "clips/s")
	b.ReportMetric(float64(frames)/s, "frames/s")
}

// BenchmarkStages times the three stages of one typical clip separately.
func BenchmarkStages(b *testing.B) {
	s := NewSpec(1, 0)
	sim := Simulate(s)
	b.Run("simulate", func(b *testing.B) {
		for b.Loop() {
			Simulate(s)
		}
	})
	b.Run("frames", func(b *testing.B) {
		for b.Loop() {
			RenderFrames(s, sim.Tracks)
		}
	})
	b.Run("audio", func(b *testing.B) {
		for b.Loop() {
			RenderAudio(s, sim.Impacts)
		}
	})
}
