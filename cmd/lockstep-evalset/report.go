package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lockstep-av/lockstep/eval"
)

// evalResult is the JSON printed by `lockstep eval --json`.
type evalResult struct {
	Clips   []*eval.Report `json:"clips"`
	Summary eval.Summary   `json:"summary"`
}

// clipSidecar is the part of a clip's JSON sidecar the report quotes (the
// sidecar of lockstep generate, or the same fields from train/sample.py).
type clipSidecar struct {
	Engine   string `json:"engine"`
	Settings struct {
		Steps     int     `json:"steps"`
		CFGVideo  float64 `json:"cfg_video"`
		CFGAudio  float64 `json:"cfg_audio"`
		Solver    string  `json:"solver"`
		Frames    int     `json:"frames"`
		Model     string  `json:"model"`
		ModelHash string  `json:"model_hash"`
	} `json:"settings"`
}

// sidecarOf returns the sidecar path of a clip of the plan in dir, as
// lockstep generate names it.
func sidecarOf(dir string, p *Plan, e Entry) string {
	if p.FrameDirs {
		return filepath.Join(dir, e.Clip, "clip.json")
	}
	return filepath.Join(dir, strings.TrimSuffix(e.Clip, filepath.Ext(e.Clip))+".json")
}

// readResult reads DIR/eval.json and checks that it has one report per
// clip of the plan.
func readResult(dir string, p *Plan) (*evalResult, error) {
	path := filepath.Join(dir, "eval.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var r evalResult
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("report: %s: %w", path, err)
	}
	if len(r.Clips) != len(p.Clips) {
		return nil, fmt.Errorf("report: %s has %d clips, the plan %d", path, len(r.Clips), len(p.Clips))
	}
	return &r, nil
}

// distinct formats the distinct values of f over the sidecars, in order of
// first appearance.
func distinct(scs []clipSidecar, f func(*clipSidecar) string) string {
	var vals []string
	for i := range scs {
		if v := f(&scs[i]); !slices.Contains(vals, v) {
			vals = append(vals, v)
		}
	}
	return strings.Join(vals, "; ")
}

// writeReport writes the Markdown report of the run in dir to w: a header
// saying what was generated (from the plan and the sidecars), then the
// per-clip table and the quality-bar checks of eval.WriteMarkdown.
func writeReport(w io.Writer, dir string, p *Plan, r *evalResult) error {
	scs := make([]clipSidecar, len(p.Clips))
	for i, e := range p.Clips {
		b, err := os.ReadFile(sidecarOf(dir, p, e))
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if err := json.Unmarshal(b, &scs[i]); err != nil {
			return fmt.Errorf("report: sidecar of %s: %w", e.Clip, err)
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# lockstep eval: %s\n\n", distinct(scs, func(s *clipSidecar) string { return s.Engine }))
	frames := "the checkpoint's default frame count"
	if p.Frames > 0 {
		frames = fmt.Sprintf("%d frames", p.Frames)
	}
	fmt.Fprintf(&b, "%d clips of `lockstep-evalset plan --seed %d`: clip i has the caption and frame size of the scene generator's clip i "+
		"under seed %d (`scene.NewSpec`), initial-noise seed %d·%d + i, %s.\n\n", len(p.Clips), p.Seed, p.Seed, MaxClips, p.Seed, frames)
	fmt.Fprintf(&b, "- model: %s\n", distinct(scs, func(s *clipSidecar) string {
		return fmt.Sprintf("%s (%s)", s.Settings.Model, s.Settings.ModelHash)
	}))
	fmt.Fprintf(&b, "- sampling: %s\n", distinct(scs, func(s *clipSidecar) string {
		st := s.Settings
		return fmt.Sprintf("%s, %d steps, cfg video %g audio %g, %d frames", st.Solver, st.Steps, st.CFGVideo, st.CFGAudio, st.Frames)
	}))
	b.WriteString("- measured by `lockstep eval --json` (eval.json); thresholds: the demo model issue's quality bar\n\n")
	for _, c := range r.Clips {
		c.Name = filepath.Base(c.Name)
	}
	if err := eval.WriteMarkdown(&b, r.Clips, &r.Summary); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// report writes DIR/eval.md and prints the checks on log.
func report(dir string, log io.Writer) error {
	p, err := ReadPlan(dir)
	if err != nil {
		return err
	}
	r, err := readResult(dir, p)
	if err != nil {
		return err
	}
	var md bytes.Buffer
	if err := writeReport(&md, dir, p, r); err != nil {
		return err
	}
	out := filepath.Join(dir, "eval.md")
	if err := os.WriteFile(out, md.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	s := &r.Summary
	for _, c := range s.Checks {
		fmt.Fprintf(log, "%-24s %10.4g %s %-6g %s\n", c.Name, c.Value, c.Op, c.Threshold, passFail(c.Pass))
	}
	fmt.Fprintf(log, "wrote %s: %d clips, %s\n", out, s.Clips, strings.ToUpper(passFail(s.Pass)))
	return nil
}

func passFail(ok bool) string {
	if ok {
		return "pass"
	}
	return "fail"
}
