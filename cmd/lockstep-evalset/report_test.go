package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lockstep-av/lockstep/eval"
)

// writeRun writes a plan of n clips in dir with a sidecar per clip, as
// lockstep generate (AVI) or train/sample.py (frame directories) name them,
// and an eval.json of one report per clip: the first clip passes every
// check, the others are silent.
func writeRun(t *testing.T, dir string, n int, frameDirs bool) *Plan {
	t.Helper()
	p, err := NewPlan(1000, n, 0, frameDirs)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	var reports []*eval.Report
	for i, e := range p.Clips {
		sc := map[string]any{"engine": "fake engine", "settings": map[string]any{
			"prompt": e.Caption, "seed": e.Seed, "steps": 24, "cfg_video": 4.0, "cfg_audio": 3.5, "solver": "euler",
			"frames": 25, "model": "m.safetensors", "model_hash": "sha256:abc"}}
		b, _ := json.Marshal(sc)
		path := sidecarOf(dir, p, e)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		r := &eval.Report{Name: filepath.Join(dir, e.Clip), Caption: e.Caption}
		if i == 0 {
			r.ImpactsCounted, r.OnsetsCounted, r.ImpactsHeard, r.OnsetsSeen = 2, 2, 2, 2
			r.HeardFrac, r.SeenFrac, r.ColourMatch, r.CountMatch = 1, 1, true, true
			r.Matches = []eval.Match{{OffsetMS: 10}, {OffsetMS: -20}}
			r.Segments = []eval.Segment{{R2: 0.99}}
			r.R2Median = 0.99
		}
		reports = append(reports, r)
	}
	s := eval.Summarize(reports, eval.DefaultThresholds(), 0.95)
	b, err := json.Marshal(evalResult{reports, s})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "eval.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReport(t *testing.T) {
	for _, frameDirs := range []bool{false, true} {
		t.Run(fmt.Sprint("frameDirs=", frameDirs), func(t *testing.T) {
			dir := t.TempDir()
			p := writeRun(t, dir, 3, frameDirs)
			var log strings.Builder
			if err := report(dir, &log); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, "eval.md"))
			if err != nil {
				t.Fatal(err)
			}
			md := string(b)
			want := []string{
				"# lockstep eval: fake engine\n",
				"3 clips of `lockstep-evalset plan --seed 1000`",
				"m.safetensors (sha256:abc)",
				"euler, 24 steps, cfg video 4 audio 3.5, 25 frames",
				"| " + p.Clips[2].Clip + " | " + p.Clips[2].Caption + " |",
				"| impacts heard | 1 | >= 0.9 | pass |",
				"| caption colour match | 0.333 | >= 0.8 | fail |",
				"| median \\|A/V offset\\| (ms) | 15 | <= 83 | pass |",
				"**FAIL**",
			}
			for _, w := range want {
				if !strings.Contains(md, w) {
					t.Errorf("eval.md lacks %q:\n%s", w, md)
				}
			}
			if strings.Contains(md, dir) {
				t.Errorf("eval.md names clips by path, want base names:\n%s", md)
			}
			// Every table row has as many cells as its header.
			for _, l := range strings.Split(md, "\n") {
				if strings.HasPrefix(l, "| check |") || strings.HasPrefix(l, "| clip |") {
					continue
				}
				if strings.HasPrefix(l, "| ") {
					cells := len(strings.Split(strings.ReplaceAll(l, "\\|", ""), "|")) - 2
					if cells != 4 && cells != 12 {
						t.Errorf("row with %d cells: %s", cells, l)
					}
				}
			}
			if !strings.Contains(log.String(), "FAIL") {
				t.Errorf("log lacks the verdict:\n%s", log.String())
			}
		})
	}
}

func TestReportErrors(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, 2, false)
	// A plan of 3 clips against the eval.json of 2.
	p, _ := NewPlan(1000, 3, 0, false)
	if err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	if err := report(dir, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "2 clips, the plan 3") {
		t.Errorf("clip count mismatch: error %v", err)
	}
	dir = t.TempDir()
	p = writeRun(t, dir, 2, false)
	if err := os.Remove(sidecarOf(dir, p, p.Clips[1])); err != nil {
		t.Fatal(err)
	}
	if err := report(dir, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "clip_001.json") {
		t.Errorf("missing sidecar: error %v", err)
	}
}
