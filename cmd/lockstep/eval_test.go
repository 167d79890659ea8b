package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lockstep-av/lockstep/diffusion"
	"github.com/lockstep-av/lockstep/media"
	"github.com/lockstep-av/lockstep/scene"
)

// writeSceneClip writes clip index of the scene generator (ground truth)
// as an AVI with its sidecar and returns the path.
func writeSceneClip(t *testing.T, dir string, index int) string {
	t.Helper()
	g := scene.Generate(1, index)
	W, H := g.Spec.Size.W, g.Spec.Size.H
	path := filepath.Join(dir, fmt.Sprintf("scene%d.avi", index))
	w, err := media.Create(path, media.Params{Width: W, Height: H, FPSNum: scene.FPS, FPSDen: 1, SampleRate: scene.SampleRate, JPEGQuality: 95})
	if err != nil {
		t.Fatal(err)
	}
	p := media.Params{FPSNum: scene.FPS, FPSDen: 1, SampleRate: scene.SampleRate}
	for f := range g.Spec.Frames {
		img := image.NewRGBA(image.Rect(0, 0, W, H))
		for i := range W * H {
			copy(img.Pix[4*i:4*i+3], g.Frames[(f*W*H+i)*3:])
			img.Pix[4*i+3] = 255
		}
		if err := w.WriteWindow([]*image.RGBA{img}, g.Audio[p.SampleAt(f):min(p.SampleAt(f+1), len(g.Audio))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	sc := sidecar{Settings: diffusion.Settings{Prompt: g.Truth.Caption, FPS: scene.FPS}}
	if err := media.WriteJSON(sidecarPath(path), sc); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEvalSceneClips: `lockstep eval` on ground-truth clips written as AVI
// passes the quality bar, in both output forms.
func TestEvalSceneClips(t *testing.T) {
	dir := t.TempDir()
	var clips []string
	for i := range 3 {
		clips = append(clips, writeSceneClip(t, dir, i))
	}
	var js bytes.Buffer
	if err := (&evalCmd{Clips: clips, JSON: true}).run(&js); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Clips   []map[string]any `json:"clips"`
		Summary struct {
			Clips  int  `json:"clips"`
			Pass   bool `json:"pass"`
			Checks []struct {
				Name  string  `json:"name"`
				Value float64 `json:"value"`
				Pass  bool    `json:"pass"`
			} `json:"checks"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(js.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	t.Logf("summary: %+v", out.Summary)
	if out.Summary.Clips != 3 || len(out.Clips) != 3 || !out.Summary.Pass {
		t.Errorf("ground-truth clips: %+v", out.Summary)
	}
	var md bytes.Buffer
	if err := (&evalCmd{Clips: clips}).run(&md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "|") || !strings.Contains(md.String(), filepath.Base(clips[0])) {
		t.Errorf("table:\n%s", md.String())
	}
	t.Log("\n" + md.String())

	if err := (&evalCmd{Clips: []string{filepath.Join(dir, "none.avi")}}).run(&md); err == nil || !strings.Contains(err.Error(), "--caption") {
		t.Errorf("missing sidecar: %v", err)
	}
}
