package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/lockstep-av/lockstep/scene"
)

// MaxClips bounds the clips of a plan, so that the noise seeds of two plan
// seeds never overlap (see [NoiseSeed]).
const MaxClips = 1000

// Plan is the list of clips of an evaluation run: what each engine is asked
// to generate. It is stored as plan.json in the run's directory.
type Plan struct {
	// Seed is the scene seed the captions and sizes are drawn from.
	Seed uint64 `json:"seed"`
	// Frames is the frame count asked of every clip, 0 for the checkpoint's
	// default.
	Frames int `json:"frames"`
	// FrameDirs is true when the clips are frame directories (clip_000/)
	// rather than AVI files (clip_000.avi).
	FrameDirs bool    `json:"frame_dirs"`
	Clips     []Entry `json:"clips"`
}

// Entry is one clip of a plan.
type Entry struct {
	Index int `json:"index"`
	// Clip is the clip's file or directory name in the run's directory.
	Clip    string `json:"clip"`
	Caption string `json:"caption"`
	// Seed is the seed of the clip's initial noise.
	Seed   uint64 `json:"seed"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// Frames is the frame count asked for, 0 for the checkpoint's default.
	Frames int `json:"frames"`
}

// NoiseSeed is the initial-noise seed of clip i of a plan with the given
// scene seed: 1000·seed + i, distinct for every (seed, i) with i < MaxClips.
func NoiseSeed(seed uint64, i int) uint64 { return MaxClips*seed + uint64(i) }

// NewPlan draws n clips: clip i has the caption and frame size of the scene
// generator's clip i under seed (scene.NewSpec, the grammar and sizes of the
// training data; choose a seed other than the training set's) and the noise
// seed NoiseSeed(seed, i). frames is passed on as is.
func NewPlan(seed uint64, n, frames int, frameDirs bool) (*Plan, error) {
	if n <= 0 || n > MaxClips {
		return nil, fmt.Errorf("plan: %d clips, want 1..%d", n, MaxClips)
	}
	if frames < 0 {
		return nil, fmt.Errorf("plan: negative frame count %d", frames)
	}
	p := &Plan{Seed: seed, Frames: frames, FrameDirs: frameDirs, Clips: make([]Entry, n)}
	for i := range n {
		s := scene.NewSpec(seed, i)
		name := fmt.Sprintf("clip_%03d", i)
		if !frameDirs {
			name += ".avi"
		}
		p.Clips[i] = Entry{
			Index: i, Clip: name, Caption: scene.Caption(s), Seed: NoiseSeed(seed, i),
			Width: s.Size.W, Height: s.Size.H, Frames: frames,
		}
	}
	return p, nil
}

// planFile and clipsFile are the names of the plan and of the clip list in
// a run's directory.
const (
	planFile  = "plan.json"
	clipsFile = "clips.txt"
)

// Write stores p as DIR/plan.json and the clip paths, DIR/NAME one a line,
// as DIR/clips.txt (the arguments of lockstep eval).
func (p *Plan) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("plan: encode: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, planFile), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	var list strings.Builder
	for _, e := range p.Clips {
		list.WriteString(filepath.Join(dir, e.Clip) + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, clipsFile), []byte(list.String()), 0o644); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	return nil
}

// ReadPlan reads DIR/plan.json.
func ReadPlan(dir string) (*Plan, error) {
	path := filepath.Join(dir, planFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w (run lockstep-evalset plan first)", err)
	}
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("read plan %s: %w", path, err)
	}
	if len(p.Clips) == 0 {
		return nil, fmt.Errorf("read plan %s: no clips", path)
	}
	return &p, nil
}
