package vae

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/tensortest"
	"github.com/lockstep-av/lockstep/weights"
)

// defaultConfig is the v1 demo configuration (SPEC.md) with unit latent
// statistics.
func defaultConfig() Config {
	ones := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = 1
		}
		return v
	}
	return Config{
		FPS: 12, SampleRate: 16000,
		Video: VideoConfig{ZChannels: 16, TemporalFactor: 4, SpatialFactor: 8, Channels: []int{32, 64, 128},
			LatentMean: make([]float32, 16), LatentStd: ones(16)},
		Audio: AudioConfig{ZChannels: 8, Hop: 640, LatentRate: 25, EncChannels: []int{32, 64, 128}, EncStrides: []int{4, 5, 4},
			DecChannels: []int{128, 96, 64, 32}, DecFactors: []int{4, 5, 4}, PhaseFactor: 8,
			LatentMean: make([]float32, 8), LatentStd: ones(8)},
	}
}

// randomModel writes a checkpoint of cfg's VAEs with seeded random fp16
// weights (convolutions scaled by 1/√fan-in, norm and snake scales near 1)
// to memory and loads it, exercising the same path as a real checkpoint.
func randomModel(t testing.TB, b backend.Backend, cfg Config, seed uint64) *Model {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 2))
	var vs, as shapeChecker
	vs.record, as.record = true, true
	newVideoEncoder().check(&vs, cfg.Video)
	newVideoDecoder().check(&vs, cfg.Video)
	newAudioEncoder(cfg.Audio).check(&as, cfg.Audio)
	newAudioDecoder(cfg.Audio).check(&as, cfg.Audio)
	var ts []weights.Named
	add := func(prefix string, sc *shapeChecker) {
		for i, name := range sc.names {
			shape := sc.shapes[i]
			n := backend.NumElements(shape)
			v := make([]float32, n)
			switch {
			case len(shape) > 1: // conv weight
				scale := 1 / math.Sqrt(float64(n/shape[0]))
				for j := range v {
					v[j] = float32(r.NormFloat64() * scale)
				}
			case len(name) > 5 && name[len(name)-5:] == ".bias":
				for j := range v {
					v[j] = float32(r.NormFloat64() * 0.02)
				}
			default: // gamma, alpha
				for j := range v {
					v[j] = float32(1 + 0.2*r.Float64())
				}
			}
			ts = append(ts, weights.NamedF16(prefix+name, shape, v))
		}
	}
	add("video_vae.", &vs)
	add("audio_vae.", &as)
	f, err := weights.Parse(tensortest.Checkpoint(t, ts, cfg, nil))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(f, b, "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}
