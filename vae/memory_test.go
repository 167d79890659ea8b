package vae

import (
	"context"
	"image"
	"runtime"
	"testing"
)

// TestLockstepMemoryBounded decodes a long random latent (64 latent frames,
// 253 frames, 21 s of audio) with the tiny weights and checks that memory
// does not grow with the clip: the bytes allocated per window are the same
// late in the clip as early on, and the live heap after a collection stays
// flat. No timing is measured.
func TestLockstepMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("long decode")
	}
	_, b, m := golden(t)
	const latents = 64
	samples := m.Config.Samples(m.Config.Video.Frames(latents))
	zv, za := randomLatents(t, b, m, latents, 2, 2, m.Config.Audio.Tokens(samples), 9)

	var ms runtime.MemStats
	alloc := make([]uint64, 0, latents) // bytes allocated by each window
	live := make([]uint64, 0, latents)  // live heap after GC at each window
	last := uint64(0)
	sink := func([]*image.RGBA, []float32) error {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		alloc = append(alloc, ms.TotalAlloc-last)
		live = append(live, ms.HeapAlloc)
		last = ms.TotalAlloc
		return nil
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	last = ms.TotalAlloc
	if _, err := NewLockstep(m).Decode(context.Background(), b.NewContext(), zv, za, sink); err != nil {
		t.Fatal(err)
	}
	// Window 0 (one frame) and window 1 (first full window: arena buffers
	// of new sizes) warm up; compare windows 2..31 with 32..63.
	early, late := maxOf(alloc[2:32]), maxOf(alloc[32:])
	t.Logf("allocated per window: first %d B, max of windows 2-31 %d B, max of 32-63 %d B", alloc[0], early, late)
	t.Logf("live heap after GC: window 4 %d B, window 31 %d B, window 63 %d B", live[4], live[31], live[63])
	if float64(late) > 1.1*float64(early)+4096 {
		t.Errorf("allocation per window grows: %d B late vs %d B early", late, early)
	}
	// The first windows fill the context's arena (one set of buffers per
	// distinct chunk size: 8 or 9 audio tokens per window); after that
	// the live heap stays flat up to buffer-capacity rounding.
	if grow := int64(live[63]) - int64(live[4]); grow > 256<<10 {
		t.Errorf("live heap grew by %d B over 59 windows", grow)
	}
}

func maxOf(v []uint64) uint64 {
	var m uint64
	for _, x := range v {
		m = max(m, x)
	}
	return m
}
