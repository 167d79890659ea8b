package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lockstep-av/lockstep/eval"
	"github.com/lockstep-av/lockstep/media"
)

// evalCmd is `lockstep eval`.
type evalCmd struct {
	Clips   []string `arg:"" help:"Clips to measure: .avi files or frame directories, each with its JSON sidecar (for the caption)." type:"path"`
	JSON    bool     `name:"json" help:"Print the reports and the summary as one JSON object."`
	Caption string   `help:"Caption of every clip, instead of the sidecars' prompts."`
}

// Run evaluates the clips and prints the table or JSON.
func (e *evalCmd) Run() error { return e.run(os.Stdout) }

func (e *evalCmd) run(w io.Writer) error {
	opts := eval.DefaultOptions()
	var reports []*eval.Report
	for _, path := range e.Clips {
		c, err := readClip(path, e.Caption)
		if err != nil {
			return err
		}
		r, err := eval.Evaluate(c, opts)
		if err != nil {
			return fmt.Errorf("eval %s: %w", path, err)
		}
		r.Name = path
		reports = append(reports, r)
	}
	s := eval.Summarize(reports, eval.DefaultThresholds(), opts.GoodR2)
	if e.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Clips   []*eval.Report `json:"clips"`
			Summary eval.Summary   `json:"summary"`
		}{reports, s})
	}
	return eval.WriteMarkdown(w, reports, &s)
}

// readClip decodes an AVI (or a frame directory) and finds its caption in
// the sidecar unless caption is given.
func readClip(path, caption string) (*eval.Clip, error) {
	fps := 12 // the demo family's rate, for frame directories without a sidecar
	if caption == "" {
		b, err := os.ReadFile(sidecarPath(path))
		if err != nil {
			return nil, fmt.Errorf("eval %s: no caption: %w (pass --caption or keep the JSON sidecar of lockstep generate)", path, err)
		}
		var sc sidecar
		if err := json.Unmarshal(b, &sc); err != nil {
			return nil, fmt.Errorf("eval %s: sidecar %s: %w", path, sidecarPath(path), err)
		}
		caption = sc.Settings.Prompt
		if sc.Settings.FPS > 0 {
			fps = sc.Settings.FPS
		}
	}
	if isDirOutput(path) {
		return readFrameDir(path, caption, fps)
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext != ".avi" {
		return nil, fmt.Errorf("eval %s: %q files are not supported (want .avi or a frame directory; convert MP4 with ffmpeg -c:v mjpeg -c:a pcm_s16le clip.avi)", path, ext)
	}
	a, err := media.OpenAVI(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer a.Close()
	if a.FPSNum <= 0 || a.FPSDen <= 0 {
		return nil, fmt.Errorf("eval %s: frame rate %d/%d", path, a.FPSNum, a.FPSDen)
	}
	c := &eval.Clip{Caption: caption, FPS: float64(a.FPSNum) / float64(a.FPSDen)}
	for i := range a.NumFrames() {
		f, err := a.Frame(i)
		if err != nil {
			return nil, fmt.Errorf("eval %s: %w", path, err)
		}
		if c.Width == 0 {
			c.Width, c.Height = f.Bounds().Dx(), f.Bounds().Dy()
		}
		px, _, _, err := eval.FramesFromRGBA([]*image.RGBA{f})
		if err != nil {
			return nil, fmt.Errorf("eval %s: frame %d: %w", path, i, err)
		}
		c.Frames = append(c.Frames, px...)
	}
	au, err := a.Audio()
	if err != nil {
		return nil, fmt.Errorf("eval %s: %w", path, err)
	}
	c.Audio, c.SampleRate = mono(au), au.SampleRate
	return c, nil
}

// mono averages the channels of a.
func mono(a *media.Audio) []float32 {
	if a.Channels == 1 {
		return a.Samples
	}
	out := make([]float32, a.Frames())
	for i := range out {
		s := float32(0)
		for c := range a.Channels {
			s += a.Samples[i*a.Channels+c]
		}
		out[i] = s / float32(a.Channels)
	}
	return out
}

// readFrameDir reads frame_00000.png, ... and audio.wav of a directory
// written by generate, at fps frames per second.
func readFrameDir(dir, caption string, fps int) (*eval.Clip, error) {
	var imgs []*image.RGBA
	for i := 0; ; i++ {
		f, err := os.Open(filepath.Join(dir, media.FrameName(i)))
		if errors.Is(err, os.ErrNotExist) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("eval %s: %w", dir, err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("eval %s: frame %d: %w", dir, i, err)
		}
		rgba := image.NewRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
		imgs = append(imgs, rgba)
	}
	px, w, h, err := eval.FramesFromRGBA(imgs)
	if err != nil {
		return nil, fmt.Errorf("eval %s: %w", dir, err)
	}
	au, err := media.ReadWAVFile(filepath.Join(dir, "audio.wav"))
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	return &eval.Clip{Frames: px, Width: w, Height: h, FPS: float64(fps), Audio: mono(au), SampleRate: au.SampleRate, Caption: caption}, nil
}
