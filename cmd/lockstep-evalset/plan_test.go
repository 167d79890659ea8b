package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lockstep-av/lockstep/scene"
)

// TestNewPlanDeterministic checks that a plan depends only on its seed (two
// draws are equal, and the first clip of seed 1000 is pinned: the published
// tables are over this list), and that its clips are varied and valid:
// distinct noise seeds, several captions and sizes, every word in the
// caption grammar's vocabulary, sizes among the scene sizes.
func TestNewPlanDeterministic(t *testing.T) {
	a, err := NewPlan(1000, 32, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewPlan(1000, 32, 0, false)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two plans of seed 1000 differ")
	}
	want0 := Entry{Index: 0, Clip: "clip_000.avi", Caption: "a medium blue ball bounces on a grey floor", Seed: 1000000, Width: 64, Height: 96}
	if a.Clips[0] != want0 {
		t.Errorf("clip 0 = %+v, want %+v", a.Clips[0], want0)
	}
	vocab := scene.Vocabulary()
	captions, sizes, seeds := map[string]bool{}, map[scene.FrameSize]bool{}, map[uint64]bool{}
	for i, e := range a.Clips {
		if e.Index != i || e.Clip != fmt.Sprintf("clip_%03d.avi", i) {
			t.Errorf("clip %d: index %d name %q", i, e.Index, e.Clip)
		}
		for _, w := range scene.Words(e.Caption) {
			if !slices.Contains(vocab, w) {
				t.Errorf("clip %d: caption %q has %q, not in the grammar's vocabulary", i, e.Caption, w)
			}
		}
		sz := scene.FrameSize{W: e.Width, H: e.Height}
		if !slices.Contains(scene.FrameSizes, sz) {
			t.Errorf("clip %d: size %dx%d is not a scene size", i, e.Width, e.Height)
		}
		captions[e.Caption], sizes[sz], seeds[e.Seed] = true, true, true
	}
	if len(captions) < 24 || len(sizes) != len(scene.FrameSizes) || len(seeds) != 32 {
		t.Errorf("plan not varied: %d captions, %d sizes, %d noise seeds over 32 clips", len(captions), len(sizes), len(seeds))
	}
	// Another seed gives another list.
	c, _ := NewPlan(1, 32, 0, false)
	same := 0
	for i := range c.Clips {
		if c.Clips[i].Caption == a.Clips[i].Caption {
			same++
		}
	}
	if same > 8 {
		t.Errorf("seeds 1 and 1000 share %d of 32 captions", same)
	}
}

func TestNewPlanFrameDirsAndErrors(t *testing.T) {
	p, err := NewPlan(7, 3, 25, true)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range p.Clips {
		if strings.HasSuffix(e.Clip, ".avi") || e.Frames != 25 || e.Seed != NoiseSeed(7, i) {
			t.Errorf("clip %d = %+v", i, e)
		}
	}
	for _, tc := range []struct{ n, frames int }{{0, 0}, {-1, 0}, {MaxClips + 1, 0}, {4, -1}} {
		if _, err := NewPlan(1, tc.n, tc.frames, false); err == nil {
			t.Errorf("NewPlan(n=%d, frames=%d): no error", tc.n, tc.frames)
		}
	}
}

// TestNoiseSeedsDisjoint checks that two plan seeds never share a noise seed.
func TestNoiseSeedsDisjoint(t *testing.T) {
	seen := map[uint64][2]int{}
	for seed := range uint64(4) {
		for _, i := range []int{0, 1, MaxClips - 1} {
			s := NoiseSeed(seed, i)
			if prev, ok := seen[s]; ok {
				t.Errorf("NoiseSeed(%d, %d) = %d = NoiseSeed(%d, %d)", seed, i, s, prev[0], prev[1])
			}
			seen[s] = [2]int{int(seed), i}
		}
	}
}

func TestPlanWriteRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	p, _ := NewPlan(1000, 3, 0, false)
	if err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	q, err := ReadPlan(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Errorf("read back %+v, want %+v", q, p)
	}
	b, err := os.ReadFile(filepath.Join(dir, clipsFile))
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "clip_000.avi") + "\n" + filepath.Join(dir, "clip_001.avi") + "\n" + filepath.Join(dir, "clip_002.avi") + "\n"
	if string(b) != want {
		t.Errorf("clips.txt = %q, want %q", b, want)
	}
	if _, err := ReadPlan(t.TempDir()); err == nil || !strings.Contains(err.Error(), "lockstep-evalset plan") {
		t.Errorf("missing plan: error %v", err)
	}
}
