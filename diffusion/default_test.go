package diffusion

import (
	"bytes"
	"context"
	"image"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/lockstep-av/lockstep/backend/cpu"
)

// TestDefaultConfig: a random-weight checkpoint of the default config
// generates, saves, reloads and decodes a short clip; the sizes follow
// SPEC.md and decoding the reloaded latents gives the same bytes.
func TestDefaultConfig(t *testing.T) {
	p, err := LoadBytes(cpu.New(2), defaultCheckpoint(t), "random-default")
	if err != nil {
		t.Fatal(err)
	}
	o := p.DefaultOptions()
	o.Prompt, o.Steps, o.Frames = "a red ball falls on a grey floor", 2, 5
	res, err := p.Generate(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Latents.VideoShape; got[1] != 16 || got[2] != 2 || got[3] != 8 || got[4] != 8 {
		t.Errorf("video latents %v", got)
	}
	path := filepath.Join(t.TempDir(), "z.safetensors")
	if err := SaveLatents(path, res.Latents, res.Settings); err != nil {
		t.Fatal(err)
	}
	l, s, err := LoadLatents(path)
	if err != nil {
		t.Fatal(err)
	}
	if s != res.Settings {
		t.Errorf("settings %+v, saved %+v", s, res.Settings)
	}
	decode := func(l *Latents) ([]byte, DecodeStats) {
		var buf bytes.Buffer
		st, err := p.Decode(context.Background(), l, func(frames []*image.RGBA, audio []float32) error {
			for _, f := range frames {
				buf.Write(f.Pix)
			}
			for _, a := range audio {
				b := math.Float32bits(a)
				buf.Write([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24)})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes(), st
	}
	a, st := decode(res.Latents)
	b, _ := decode(l)
	if !bytes.Equal(a, b) {
		t.Errorf("decoding the reloaded latents differs")
	}
	if st.Frames != 5 || st.Samples != 6667 {
		t.Errorf("decoded %d frames, %d samples; want 5, 6667", st.Frames, st.Samples)
	}
	img, err := p.Preview(res.Latents)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 16 || img.Bounds().Dy() != 8 {
		t.Errorf("preview %v", img.Bounds())
	}
}

// TestLeastSquares: the normal-equation solver recovers a known linear map
// (with intercept) from exact samples.
// TestPreviewMapFit fits the map of the tiny random-weight VAE, checks it
// is cached, and logs R² of its colours on unseen latents (a random VAE is
// far from linear, so no bound is asserted; a trained one is the target).
func TestPreviewMapFit(t *testing.T) {
	_, p, _ := golden(t, 1)
	pm, err := p.PreviewMap()
	if err != nil {
		t.Fatal(err)
	}
	if pm2, _ := p.PreviewMap(); pm2 != pm {
		t.Error("preview map not cached")
	}
	// Unseen latents: stream 0 noise of a 1-frame 8x8 latent.
	n := InitialNoise(77, []int{1, 16, 1, 8, 8}, []int{1, 8, 0})
	ctx := p.Backend.NewContext()
	vc := p.VAE.Config.Video
	y := p.Backend.Float32(p.VAE.Video.Decoder.Decode(ctx, vc.Denormalize(ctx, ctx.Constant(n.Video, 1, 16, 1, 8, 8))))
	img := pm.Apply(n, 0)
	for k := range 3 {
		var want, got []float64
		for i := range 8 {
			for j := range 8 {
				s := 0.0
				for di := range 8 {
					for dj := range 8 {
						s += float64(y[(k*64+i*8+di)*64+j*8+dj])
					}
				}
				want = append(want, 255*min(max((s/64+1)/2, 0), 1))
				got = append(got, float64(img.Pix[img.PixOffset(j, i)+k]))
			}
		}
		mean := 0.0
		for _, w := range want {
			mean += w / float64(len(want))
		}
		var res, tot float64
		for i := range want {
			res += (want[i] - got[i]) * (want[i] - got[i])
			tot += (want[i] - mean) * (want[i] - mean)
		}
		r2 := 1 - res/tot
		t.Logf("channel %d: R² %.3f on unseen latents", k, r2)
	}
}

// BenchmarkGenerateDefault samples the default clip (25 frames 64x64, the
// checkpoint's 24 steps, CFG 4/4) with a random-weight default-config
// checkpoint and decodes it; it reports seconds per step and per phase.
func BenchmarkGenerateDefault(b *testing.B) {
	p, err := LoadBytes(cpu.New(0), defaultCheckpoint(b), "random-default")
	if err != nil {
		b.Fatal(err)
	}
	o := p.DefaultOptions()
	o.Prompt = "two small red balls bounce on a grey floor"
	for b.Loop() {
		res, err := p.Generate(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		st, err := p.Decode(context.Background(), res.Latents, func([]*image.RGBA, []float32) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.Timings.TextEncode.Seconds(), "text_s")
		b.ReportMetric(res.Timings.Sampling.Seconds()/float64(len(res.Timings.Steps)), "s/step")
		b.ReportMetric(res.Timings.Sampling.Seconds(), "sampling_s")
		b.ReportMetric(st.Decode.Seconds(), "decode_s")
	}
}

// TestWriteRandomCheckpoint writes the random default-config checkpoint to
// $LOCKSTEP_RANDOM_CHECKPOINT (skipped when unset), for timing the command
// before the trained checkpoint exists.
func TestWriteRandomCheckpoint(t *testing.T) {
	path := os.Getenv("LOCKSTEP_RANDOM_CHECKPOINT")
	if path == "" {
		t.Skip("LOCKSTEP_RANDOM_CHECKPOINT not set")
	}
	if err := os.WriteFile(path, defaultCheckpoint(t), 0o644); err != nil {
		t.Fatal(err)
	}
}
