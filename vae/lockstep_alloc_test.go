package vae

import (
	"context"
	"image"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/lockstep-av/lockstep/backend/cpu"
)

// TestLockstepSteadyStateAlloc checks that a warm lockstep window
// allocates no copy of what it decodes. After a warm-up decode it decodes
// clips of n and 2n latent frames (8×8 latents: 64×64 frames, as the demo)
// with random weights of the demo configuration, and the extra n windows
// must allocate, per window, less than twice one window's decoded output
// (4 frames and 1/3 s of samples as float32). The causal caches, the
// read-back of frames and samples and the latent slices reuse host
// buffers and the context's arena hits its free lists; what remains is
// per-op bookkeeping of the backend (tensor headers, the convolutions'
// step offsets and index maps): 1.0 of the output when written (1.4 with
// -tags noasm, whose im2col index maps of the long audio convolutions are
// 40 KB each), 8.4 before the reuse. It also logs the allocations over
// 32 KiB per window (0.25 when written, 2 with noasm, 10 before). No
// timing is measured.
func TestLockstepSteadyStateAlloc(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 16 windows")
	}
	// One thread: the GEMM's shared packing buffers are then taken in the
	// same order every call, so the warm-up decode fills their pool.
	be := cpu.New(1)
	m := randomModel(t, be, defaultConfig(), 3)
	const n, h, w = 4, 8, 8
	alloc := func(latents int) (bytes, large uint64) {
		samples := m.Config.Samples(m.Config.Video.Frames(latents))
		zv, za := randomLatents(t, be, m, latents, h, w, m.Config.Audio.Tokens(samples), 5)
		sink := func([]*image.RGBA, []float32) error { return nil }
		runtime.GC()
		b0, l0 := allocStats()
		if _, err := NewLockstep(m).Decode(context.Background(), be.NewContext(), zv, za, sink); err != nil {
			t.Fatal(err)
		}
		b1, l1 := allocStats()
		return b1 - b0, l1 - l0
	}
	alloc(n) // warm up what outlives one decode (the GEMM's packing buffers)
	short, shortLarge := alloc(n)
	long, longLarge := alloc(2 * n)
	perWindow := (float64(long) - float64(short)) / n
	largePerWindow := (float64(longLarge) - float64(shortLarge)) / n
	// One window of 4 frames of 8h×8w RGB and 4/12 s of audio, as float32.
	output := 4 * (4*3*64*h*w + float64(m.Config.SampleRate)*4/m.Config.FPS)
	t.Logf("decode of %d latent frames allocates %d B (%d large objects), of %d: %d B (%d large)", n, short, shortLarge, 2*n, long, longLarge)
	t.Logf("per extra window: %.0f B (%.3f of a window's output, %.0f B), %.2f large objects", perWindow, perWindow/output, output, largePerWindow)
	if perWindow > 2*output {
		t.Errorf("a steady-state window allocates %.0f B, more than twice its output (%.0f B)", perWindow, output)
	}
}

// allocStats returns the bytes allocated so far and the number of large
// objects (over 32 KiB) allocated so far.
func allocStats() (bytes, large uint64) {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/heap/allocs-by-size:bytes"}}
	metrics.Read(s)
	h := s[1].Value.Float64Histogram()
	for i, c := range h.Counts {
		if h.Buckets[i] > 32<<10 {
			large += c
		}
	}
	return s[0].Value.Uint64(), large
}
