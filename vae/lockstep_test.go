package vae

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/tensortest"
	"github.com/lockstep-av/lockstep/weights"
)

// TestLockstepGoldenSample decodes the golden sampling run's final
// normalised latents (5 frames of 32×32, 6667 samples) in lockstep and
// compares with the reference frames and waveform.
func TestLockstepGoldenSample(t *testing.T) {
	forEachGolden(t, func(t *testing.T, f *weights.File, b backend.Backend, m *Model) {
		zv, za := tensortest.Tensor(t, f, b, "sample.zv"), tensortest.Tensor(t, f, b, "sample.za")
		wantFrames, fshape := tensortest.Values(t, f, "sample.frames")
		wantWave, _ := tensortest.Values(t, f, "sample.wave")
		var gotPix, wantPix []float32
		var gotWave []float32
		frame := 0
		sink := func(frames []*image.RGBA, audio []float32) error {
			n, hw := fshape[2], fshape[3]*fshape[4]
			for _, img := range frames {
				for c := range 3 {
					for i := range hw {
						gotPix = append(gotPix, float32(img.Pix[4*i+c]))
						wantPix = append(wantPix, float32(PixelByte(wantFrames[(c*n+frame)*hw+i])))
					}
				}
				frame++
			}
			gotWave = append(gotWave, audio...)
			return nil
		}
		st, err := NewLockstep(m).Decode(context.Background(), b.NewContext(), zv, za, sink)
		if err != nil {
			t.Fatal(err)
		}
		if st.Frames != fshape[2] || frame != fshape[2] || len(gotWave) != len(wantWave) || st.Samples != len(wantWave) {
			t.Fatalf("stats %+v, sink got %d frames %d samples; want %d frames %d samples", st, frame, len(gotWave), fshape[2], len(wantWave))
		}
		if st.PaddedAudio != 0 {
			t.Errorf("padded %d samples, want 0", st.PaddedAudio)
		}
		// Bytes may differ by one where the float value sits at a rounding edge.
		compare(t, "sample.frames (bytes)", gotPix, wantPix, tol{Abs: 1})
		for i := range wantWave {
			wantWave[i] = clampSample(wantWave[i])
		}
		compare(t, "sample.wave", gotWave, wantWave, goldenTol)
	})
}

// randomLatents returns normalised latents with F' latent frames of h×w
// and T audio tokens, seeded.
func randomLatents(t testing.TB, b backend.Backend, m *Model, latents, h, w, tokens int, seed uint64) (backend.Tensor, backend.Tensor) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	gen := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
		return v
	}
	zc, ac := m.Config.Video.ZChannels, m.Config.Audio.ZChannels
	zv, err := b.FromFloat32(gen(zc*latents*h*w), 1, zc, latents, h, w)
	if err != nil {
		t.Fatal(err)
	}
	za, err := b.FromFloat32(gen(ac*tokens), 1, ac, tokens)
	if err != nil {
		t.Fatal(err)
	}
	return zv, za
}

// TestLockstepAccounting checks, for several clip lengths, window sizes
// and audio latent lengths (exact, short, long), that the totals are
// frames = 1+4(F'-1) and samples = round(frames/fps·rate), and that every
// window's audio covers exactly its frames' interval.
func TestLockstepAccounting(t *testing.T) {
	_, b, m := golden(t)
	cfg := m.Config
	for _, latents := range []int{1, 2, 3, 5, 7, 10} {
		frames := cfg.Video.Frames(latents)
		samples := cfg.Samples(frames)
		exact := cfg.Audio.Tokens(samples)
		for _, win := range []int{1, 2, 3} {
			for _, tokens := range []int{exact, exact + 2, max(exact-3, 0)} {
				t.Run(fmt.Sprintf("F'=%d/W=%d/T=%d", latents, win, tokens), func(t *testing.T) {
					zv, za := randomLatents(t, b, m, latents, 1, 1, tokens, uint64(latents))
					l := NewLockstep(m)
					l.Window = win
					var nf, ns, calls int
					sink := func(fr []*image.RGBA, audio []float32) error {
						a := calls * win
						e := min(a+win, latents)
						f0, f1 := cfg.Video.Frames(a), cfg.Video.Frames(e)
						if len(fr) != f1-f0 {
							t.Errorf("window %d: %d frames, want %d", calls, len(fr), f1-f0)
						}
						if want := cfg.Samples(f1) - cfg.Samples(f0); len(audio) != want {
							t.Errorf("window %d (frames [%d, %d)): %d samples, want %d", calls, f0, f1, len(audio), want)
						}
						if nf != f0 || ns != cfg.Samples(f0) {
							t.Errorf("window %d starts at frame %d sample %d, want %d, %d", calls, nf, ns, f0, cfg.Samples(f0))
						}
						nf, ns, calls = nf+len(fr), ns+len(audio), calls+1
						return nil
					}
					st, err := l.Decode(context.Background(), b.NewContext(), zv, za, sink)
					if err != nil {
						t.Fatal(err)
					}
					wantWin := (latents + win - 1) / win
					if nf != frames || ns != samples || calls != wantWin || st.Frames != frames || st.Samples != samples || st.Windows != wantWin {
						t.Fatalf("got %d frames %d samples %d windows (stats %+v), want %d, %d, %d", nf, ns, calls, st, frames, samples, wantWin)
					}
					if ns != int(math.RoundToEven(float64(nf)/cfg.FPS*float64(cfg.SampleRate))) {
						t.Fatalf("samples %d != round(%d/%g·%d)", ns, nf, cfg.FPS, cfg.SampleRate)
					}
					wantPad := max(samples-tokens*cfg.Audio.Hop, 0)
					if st.PaddedAudio != wantPad || st.AudioTokens != min(tokens, exact) {
						t.Fatalf("padded %d, tokens %d; want %d, %d", st.PaddedAudio, st.AudioTokens, wantPad, min(tokens, exact))
					}
				})
			}
		}
	}
}

// TestLockstepMatchesWhole checks that lockstep output (windows of 1 and
// 2 latent frames) equals whole-clip decoding of the same latents.
func TestLockstepMatchesWhole(t *testing.T) {
	_, b, m := golden(t)
	const latents, h, w = 6, 2, 3
	frames := m.Config.Video.Frames(latents)
	samples := m.Config.Samples(frames)
	zv, za := randomLatents(t, b, m, latents, h, w, m.Config.Audio.Tokens(samples), 5)
	ctx := b.NewContext()
	vid := m.Video.Decoder.Decode(ctx, m.Config.Video.Denormalize(ctx, zv))
	wave := b.Float32(m.Audio.Decoder.Decode(ctx, m.Config.Audio.Denormalize(ctx, za)))[:samples]
	var wantPix []float32
	for _, img := range toRGBA(nil, b.Float32(vid), vid.Shape()) {
		for _, p := range img.Pix {
			wantPix = append(wantPix, float32(p))
		}
	}
	for i := range wave {
		wave[i] = clampSample(wave[i])
	}
	for _, win := range []int{1, 2} {
		var gotPix, gotWave []float32
		l := NewLockstep(m)
		l.Window = win
		_, err := l.Decode(context.Background(), b.NewContext(), zv, za, func(fr []*image.RGBA, audio []float32) error {
			for _, img := range fr {
				for _, p := range img.Pix {
					gotPix = append(gotPix, float32(p))
				}
			}
			gotWave = append(gotWave, audio...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		compare(t, fmt.Sprintf("W=%d frames", win), gotPix, wantPix, tol{})
		compare(t, fmt.Sprintf("W=%d audio", win), gotWave, wave, tol{Abs: 1e-6})
	}
}

func TestLockstepErrors(t *testing.T) {
	_, b, m := golden(t)
	zv, za := randomLatents(t, b, m, 4, 1, 1, 10, 1)
	l := NewLockstep(m)
	boom := errors.New("disk full")
	calls := 0
	_, err := l.Decode(context.Background(), b.NewContext(), zv, za, func([]*image.RGBA, []float32) error {
		calls++
		if calls == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls != 2 {
		t.Errorf("sink error: got %v after %d calls, want %v after 2", err, calls, boom)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Decode(ctx, b.NewContext(), zv, za, func([]*image.RGBA, []float32) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
	if _, err := l.Decode(context.Background(), b.NewContext(), za, za, nil); err == nil {
		t.Error("audio latents as video: no error")
	}
}

func TestPixelByte(t *testing.T) {
	for _, c := range []struct {
		y    float32
		want uint8
	}{{-2, 0}, {-1, 0}, {1, 255}, {3, 255}, {0, 128}, {-0.996078431, 0}, {float32(math.NaN()), 0}} {
		if got := PixelByte(c.y); got != c.want {
			t.Errorf("PixelByte(%g) = %d, want %d", c.y, got, c.want)
		}
	}
}
