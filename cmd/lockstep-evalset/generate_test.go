package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lockstep-av/lockstep/diffusion"
)

// The test binary stands in for lockstep when fakeLockstepEnv names a log
// file: it appends its arguments as one JSON line and exits, with status 3
// when the prompt contains fakeFailWord.
const (
	fakeLockstepEnv = "LOCKSTEP_EVALSET_FAKE_LOG"
	fakeFailWord    = "purple"
)

func TestMain(m *testing.M) {
	if log := os.Getenv(fakeLockstepEnv); log != "" {
		os.Exit(fakeLockstep(log, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func fakeLockstep(log string, args []string) int {
	f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return 2
	}
	defer f.Close()
	if err := json.NewEncoder(f).Encode(args); err != nil {
		return 2
	}
	if slices.ContainsFunc(args, func(a string) bool { return strings.Contains(a, fakeFailWord) }) {
		return 3
	}
	return 0
}

func TestGenerateArgs(t *testing.T) {
	e := Entry{Index: 1, Clip: "clip_001.avi", Caption: "a small red ball falls on a grey floor", Seed: 1000001, Width: 96, Height: 64}
	cases := []struct {
		name   string
		frames int
		opt    genOptions
		want   []string
	}{
		{"default", 0, genOptions{}, nil},
		{"model and threads", 0, genOptions{Model: "/m.safetensors", Threads: 2}, []string{"--model", "/m.safetensors", "--threads", "2"}},
		{"frames", 49, genOptions{}, []string{"--duration", strconv.FormatFloat(49.0/12, 'g', -1, 64)}},
		{"extra last", 0, genOptions{Threads: 1, Extra: []string{"--cfg-video=6", "--solver=dpmpp-2m"}},
			[]string{"--threads", "1", "--cfg-video=6", "--solver=dpmpp-2m"}},
	}
	base := []string{"generate", "--prompt", e.Caption, "--seed", "1000001", "--size", "96x64", "--out", filepath.Join("run", "clip_001.avi"), "--quiet"}
	for _, tc := range cases {
		e.Frames = tc.frames
		got := generateArgs("run", e, tc.opt)
		want := append(slices.Clone(base), tc.want...)
		if !slices.Equal(got, want) {
			t.Errorf("%s: args\n%q\nwant\n%q", tc.name, got, want)
		}
	}
}

// TestDurationKeepsFrames checks that the --duration passed for a frame
// count of the form 1+4n gives back that count in lockstep generate.
func TestDurationKeepsFrames(t *testing.T) {
	for _, f := range []int{1, 5, 25, 49, 97} {
		d, err := strconv.ParseFloat(generateArgs("", Entry{Frames: f}, genOptions{})[11], 64)
		if err != nil {
			t.Fatal(err)
		}
		if got := diffusion.FramesForDuration(d, 12, 4); got != f {
			t.Errorf("%d frames: --duration %g gives %d frames", f, d, got)
		}
	}
}

func TestGenerateAllRunsEachClip(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "calls.jsonl")
	t.Setenv(fakeLockstepEnv, log)
	p, _ := NewPlan(1000, 2, 0, true) // neither caption has fakeFailWord
	if err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	// A stale frame directory is removed before generate sees it.
	stale := filepath.Join(dir, p.Clips[0].Clip)
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "frame_00000.png"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := generateAll(context.Background(), os.Args[0], dir, p, genOptions{Model: "m.safetensors", Threads: 1}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale frame directory still there: %v", err)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != len(p.Clips) {
		t.Fatalf("%d calls, want %d:\n%s", len(lines), len(p.Clips), b)
	}
	for i, l := range lines {
		var args []string
		if err := json.Unmarshal([]byte(l), &args); err != nil {
			t.Fatal(err)
		}
		if want := generateArgs(dir, p.Clips[i], genOptions{Model: "m.safetensors", Threads: 1}); !slices.Equal(args, want) {
			t.Errorf("call %d: %q, want %q", i, args, want)
		}
	}
}

func TestGenerateAllStopsOnFailure(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(fakeLockstepEnv, filepath.Join(dir, "calls.jsonl"))
	p := &Plan{Seed: 1, Clips: []Entry{
		{Index: 0, Clip: "clip_000.avi", Caption: "a small " + fakeFailWord + " ball falls on a grey floor", Seed: 1000, Width: 64, Height: 64},
		{Index: 1, Clip: "clip_001.avi", Caption: "a small red ball falls on a grey floor", Seed: 1001, Width: 64, Height: 64},
	}}
	err := generateAll(context.Background(), os.Args[0], dir, p, genOptions{}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "clip_000.avi") || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("error %v, want one naming clip_000.avi and exit status 3", err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "calls.jsonl"))
	if n := strings.Count(string(b), "\n"); n != 1 {
		t.Errorf("%d calls after the failure, want 1", n)
	}
}
