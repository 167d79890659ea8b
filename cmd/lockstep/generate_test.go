package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lockstep-av/lockstep/media"
	"github.com/lockstep-av/lockstep/weights"
)

var (
	tinyOnce sync.Once
	tinyPath string
	tinyErr  error
)

// tinyCheckpoint writes the tiny random model of model/demo's golden
// fixture as a plain checkpoint (its "weights." prefix stripped) once per
// test binary and returns its path.
func tinyCheckpoint(t *testing.T) string {
	t.Helper()
	tinyOnce.Do(func() {
		var f *weights.File
		if f, tinyErr = weights.Open("../../model/demo/testdata/golden_tiny.safetensors"); tinyErr != nil {
			return
		}
		defer f.Close()
		var w weights.Writer
		for _, name := range f.Names() {
			short, ok := strings.CutPrefix(name, "weights.")
			if !ok {
				continue
			}
			v, shape, err := f.Float32(name)
			if err != nil {
				tinyErr = err
				return
			}
			w.Add(weights.NamedF16(short, shape, v))
		}
		md := f.Metadata()
		w.SetMetadata("config", md["config"])
		w.SetMetadata("format", md["format"])
		dir, err := os.MkdirTemp("", "lockstep-cmd-test-")
		if err != nil {
			tinyErr = err
			return
		}
		tinyPath = filepath.Join(dir, "tiny.safetensors")
		tinyErr = w.WriteFile(tinyPath)
	})
	if tinyErr != nil {
		t.Fatal(tinyErr)
	}
	return tinyPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if tinyPath != "" {
		os.RemoveAll(filepath.Dir(tinyPath))
	}
	os.Exit(code)
}

// tinyGenerate is a 2-step generation at 32x32 with the tiny model.
func tinyGenerate(t *testing.T, out string) *generateCmd {
	return &generateCmd{Prompt: "two small red balls bounce on a grey floor", Seed: 3, Steps: ptr(2), Size: "32x32",
		Solver: "euler", Out: out, Threads: 1, Model: tinyCheckpoint(t), JSONSidecar: true, stderr: &bytes.Buffer{}}
}

func ptr[T any](v T) *T { return &v }

func readSidecar(t *testing.T, path string) sidecar {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var sc sidecar
	if err := json.Unmarshal(b, &sc); err != nil {
		t.Fatalf("sidecar %s: %v", path, err)
	}
	return sc
}

// TestGenerateDecode: generate to .avi (with saved latents) and .wav, check
// the files and sidecars, and decode the saved latents to byte-identical
// outputs.
func TestGenerateDecode(t *testing.T) {
	dir := t.TempDir()
	g := tinyGenerate(t, filepath.Join(dir, "clip.avi"))
	g.SaveLatents = filepath.Join(dir, "clip.latents")
	if err := g.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	a, err := media.OpenAVI(g.Out)
	if err != nil {
		t.Fatal(err)
	}
	au, err := a.Audio()
	if err != nil {
		t.Fatal(err)
	}
	if a.NumFrames() != 25 || a.Width != 32 || a.Height != 32 || au.Frames() != 33333 {
		t.Errorf("AVI has %d frames %dx%d and %d samples, want 25 32x32 and 33333", a.NumFrames(), a.Width, a.Height, au.Frames())
	}
	a.Close()
	sc := readSidecar(t, filepath.Join(dir, "clip.json"))
	s := sc.Settings
	if s.Prompt != g.Prompt || s.Seed != 3 || s.Steps != 2 || s.Solver != "euler" || s.Frames != 25 ||
		!strings.HasPrefix(s.ModelHash, "sha256:") || len(sc.Timings.Steps) != 2 || sc.Engine != "lockstep "+version {
		t.Errorf("sidecar %+v", sc)
	}
	if tm := sc.Timings; tm.VideoDecode <= 0 || tm.AudioDecode <= 0 || tm.VideoDecode+tm.AudioDecode > tm.Decode {
		t.Errorf("sidecar decode timings: video %v + audio %v must be positive and within decode %v", tm.VideoDecode, tm.AudioDecode, tm.Decode)
	}
	t.Logf("sidecar: %+v", sc)

	gw := tinyGenerate(t, filepath.Join(dir, "clip.wav"))
	if err := gw.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	w, err := media.ReadWAVFile(gw.Out)
	if err != nil || w.Frames() != 33333 {
		t.Fatalf("wav: %v, %v", w, err)
	}
	readSidecar(t, filepath.Join(dir, "clip.json")) // rewritten by the WAV run

	for _, out := range []string{"again.avi", "again.wav"} {
		d := &decodeCmd{Latents: g.SaveLatents, Out: filepath.Join(dir, out), Model: g.Model, Threads: 2, stderr: &bytes.Buffer{}}
		if err := d.run(context.Background()); err != nil {
			t.Fatal(err)
		}
		orig := map[string]string{"again.avi": g.Out, "again.wav": gw.Out}[out]
		x, _ := os.ReadFile(orig)
		y, _ := os.ReadFile(d.Out)
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s (%d bytes) differs from %s (%d bytes)", d.Out, len(y), orig, len(x))
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		edit func(*generateCmd)
		want string
	}{
		{"missing directory", func(g *generateCmd) { g.Out = filepath.Join(dir, "missing", "clip.avi"); g.Model = "" }, "missing does not exist"},
		{"unwritable", func(g *generateCmd) { g.Out = "/proc/clip.avi"; g.Model = "" }, "directory /proc is not writable"},
		{"unwritable latents", func(g *generateCmd) { g.SaveLatents = filepath.Join(dir, "missing", "z.latents") }, "does not exist"},
		{"unknown word", func(g *generateCmd) { g.Prompt = "two zebra balls" }, `unknown word "zebra"`},
		{"zero steps", func(g *generateCmd) { g.Steps = ptr(0) }, "steps is 0"},
		{"bad size", func(g *generateCmd) { g.Size = "65x64" }, "size 65x64 is not supported"},
		{"size syntax", func(g *generateCmd) { g.Size = "big" }, `--size "big": want WxH`},
		{"negative duration", func(g *generateCmd) { g.Duration = -2 }, "duration is -2"},
		{"unknown solver", func(g *generateCmd) { g.Solver = "magic" }, `unknown solver "magic"`},
		{"unknown type", func(g *generateCmd) { g.Out = filepath.Join(dir, "clip.gif") }, "unknown output type"},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := tinyGenerate(t, filepath.Join(dir, "clip.avi"))
			c.edit(g)
			err := g.run(context.Background())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "clip.avi")); err == nil {
		t.Errorf("a failed run left clip.avi")
	}
}

// TestGenerateMP4WithoutFFmpeg: the media error naming the alternatives,
// before sampling.
func TestGenerateMP4WithoutFFmpeg(t *testing.T) {
	g := tinyGenerate(t, filepath.Join(t.TempDir(), "clip.mp4"))
	t.Setenv("PATH", t.TempDir())
	err := g.run(context.Background())
	if !errors.Is(err, media.ErrNoFFmpeg) || !strings.Contains(err.Error(), ".avi") {
		t.Fatalf("error %v", err)
	}
}

func TestGenerateFlags(t *testing.T) {
	_, c := parseCLI(t, "generate", "--prompt", "a red ball", "--cfg", "2", "--cfg-audio", "5", "--size", "96x64",
		"--duration", "4", "--no-json-sidecar", "--out", "x/", "--steps", "0")
	g := c.Generate
	if *g.CFG != 2 || *g.CFGAudio != 5 || g.CFGVideo != nil || g.Size != "96x64" || g.Duration != 4 || g.JSONSidecar || g.Out != "x/" || *g.Steps != 0 {
		t.Errorf("parsed %+v", g)
	}
	_, c = parseCLI(t, "generate", "--prompt", "a")
	if !c.Generate.JSONSidecar || c.Generate.Steps != nil || c.Generate.Solver != "euler" {
		t.Errorf("defaults %+v", c.Generate)
	}
}
