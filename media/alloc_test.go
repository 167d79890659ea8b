package media

import (
	"image"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"
)

// TestWritersSteadyStateAlloc writes the same window (4 frames of 64×64
// and their audio) many times and checks that, once warm, a window
// allocates less than a tenth of its raw RGBA frame bytes: the writers
// reuse their JPEG, PCM and PNG buffers, so what is left is the growth of
// the AVI index and per-file bookkeeping (the PNG writer creates a file
// per frame). No timing is measured.
func TestWritersSteadyStateAlloc(t *testing.T) {
	p := Params{Width: 64, Height: 64, FPSNum: 12, FPSDen: 1, SampleRate: 16000}.withDefaults()
	rng := rand.New(rand.NewPCG(3, 4))
	frames := make([]*image.RGBA, 4)
	for i := range frames {
		frames[i] = testFrame(i, p.Width, p.Height, 8, rng)
	}
	// Windows of 4 frames at 12 fps hold exactly 16000/3 samples on
	// average; alternate 5333 and 5334 so that the clock stays exact.
	audio := make([]float32, 5334)
	for j := range audio {
		audio[j] = testSample(j, p.SampleRate)
	}
	raw := float64(len(frames) * 4 * p.Width * p.Height)
	for _, tc := range []struct {
		name string
		path string
	}{
		{"avi", "clip.avi"},
		{"wav", "clip.wav"},
		{"png", "frames" + string(filepath.Separator)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := Create(t.TempDir()+string(filepath.Separator)+tc.path, p)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Abort()
			win := 0
			write := func(n int) uint64 {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				for range n {
					if err := w.WriteWindow(frames, audio[:p.SampleAt(4*(win+1))-p.SampleAt(4*win)]); err != nil {
						t.Fatal(err)
					}
					win++
				}
				runtime.ReadMemStats(&after)
				return after.TotalAlloc - before.TotalAlloc
			}
			write(4) // warm up
			const n = 32
			per := float64(write(n)) / n
			t.Logf("%.0f B per window (%.4f of its %.0f raw frame bytes)", per, per/raw, raw)
			if per > raw/10 {
				t.Errorf("a steady-state window allocates %.0f B, more than a tenth of its raw frames (%.0f B)", per, raw)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestFeedQueuesReuse checks that MP4Writer's queues hand written buffers
// out again instead of allocating new ones.
func TestFeedQueuesReuse(t *testing.T) {
	var q feedQueues
	q.init(1 << 20)
	a := q.get(100)
	a = append(a, make([]byte, 100)...)
	q.push(0, a)
	b, ok := q.pop(0)
	if !ok {
		t.Fatal("pop of a pushed buffer failed")
	}
	q.put(b)
	if c := q.get(64); cap(c) < 100 || &c[:1][0] != &a[0] || len(c) != 0 {
		t.Errorf("get(64) after put: len %d cap %d, not the written buffer", len(c), cap(c))
	}
	if d := q.get(200); cap(d) < 200 {
		t.Errorf("get(200) returned capacity %d", cap(d))
	}
	if n := testing.AllocsPerRun(10, func() { q.put(q.get(100)) }); n != 0 {
		t.Errorf("get/put of a recycled buffer allocates %v times", n)
	}
}
