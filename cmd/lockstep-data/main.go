// Command lockstep-data writes the synthetic ball-and-sound clips of the demo
// model (package scene) to a directory, for training and evaluation:
//
//	lockstep-data --out DIR --n 100 --seed 1 [--npz] [--preview]
//
// Clip i depends only on (seed, i), never on --workers or --start, so data
// sets can be extended or sharded. Per clip it writes
//
//	clip_%06d.frames.npy  uint8 [F, H, W, 3] RGB, frame f at time f/12 s
//	clip_%06d.audio.npy   float32 [N] mono at 16 kHz, N = F*16000/12
//	clip_%06d.json        ground truth (scene.Truth: caption, size, fps,
//	                      sample_rate, duration, ball tracks in pixels,
//	                      impacts with time, sample, ball, surface, speed)
//
// or with --npz one deflated clip_%06d.npz (members frames.npy, audio.npy;
// about 4x smaller) in place of the two .npy files; then manifest.jsonl (one
// line per clip, in index order: index, caption, width, height, frames,
// samples, duration, impacts, frames_file, audio_file, truth_file) and
// vocabulary.txt (every caption word, one per line). --preview also writes
// preview/sheet.png (one row of frames per clip, with a strip marking floor
// and wall impacts) and preview/clip_%06d.wav (16-bit PCM) for the first
// clips.
//
// Reading a clip in PyTorch:
//
//	import json, numpy as np, torch
//	frames = torch.from_numpy(np.load(d + "/clip_000000.frames.npy"))  # uint8 [F,H,W,3]
//	audio = torch.from_numpy(np.load(d + "/clip_000000.audio.npy"))    # float32 [N]
//	truth = json.load(open(d + "/clip_000000.json"))
//	# --npz: z = np.load(d + "/clip_000000.npz"); z["frames"], z["audio"]
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/alecthomas/kong"

	"github.com/lockstep-av/lockstep/scene"
	"github.com/lockstep-av/lockstep/scene/sceneio"
)

type cli struct {
	Out            string `required:"" type:"path" help:"Output directory (created if missing)."`
	N              int    `default:"100" help:"Number of clips."`
	Seed           uint64 `default:"1" help:"Data set seed; clip i depends only on (seed, i)."`
	Start          int    `default:"0" help:"Index of the first clip (to extend or shard a data set)."`
	Workers        int    `default:"0" help:"Parallel workers (0: GOMAXPROCS); output does not depend on it."`
	Npz            bool   `help:"Write one deflated clip_%06d.npz (frames, audio) per clip instead of two .npy files."`
	Preview        bool   `help:"Also write preview/sheet.png and preview WAVs of the first clips."`
	PreviewN       int    `default:"4" name:"preview-n" help:"Number of clips in the preview."`
	PreviewColumns int    `default:"24" name:"preview-columns" help:"Frames per clip in the preview sheet."`
}

// manifestLine is one line of manifest.jsonl.
type manifestLine struct {
	Index    int     `json:"index"`
	Caption  string  `json:"caption"`
	Width    int     `json:"width"`
	Height   int     `json:"height"`
	Frames   int     `json:"frames"`
	Samples  int     `json:"samples"`
	Duration float64 `json:"duration"`
	Impacts  int     `json:"impacts"`
	sceneio.ClipFiles
}

func main() {
	var c cli
	kong.Parse(&c,
		kong.Name("lockstep-data"),
		kong.Description("Write synthetic ball-and-sound clips (frames .npy, audio .npy, ground truth JSON)."),
		kong.UsageOnError(),
	)
	if err := run(&c); err != nil {
		fmt.Fprintln(os.Stderr, "lockstep-data:", err)
		os.Exit(1)
	}
}

func run(c *cli) error {
	if c.N < 0 || c.Start < 0 {
		return fmt.Errorf("--n and --start must be non-negative")
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	workers := c.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	lines := make([]manifestLine, c.N)
	errs := make([]error, c.N)
	var preview []*scene.Clip
	if c.Preview {
		preview = make([]*scene.Clip, min(c.PreviewN, c.N))
	}
	start := time.Now()
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for k := range next {
				clip := scene.Generate(c.Seed, c.Start+k)
				write := sceneio.WriteClip
				if c.Npz {
					write = sceneio.WriteClipNpz
				}
				files, err := write(c.Out, clip)
				errs[k] = err
				t := clip.Truth
				lines[k] = manifestLine{t.Index, t.Caption, t.Width, t.Height, t.Frames, t.Samples, t.Duration, len(t.Impacts), files}
				if k < len(preview) {
					preview[k] = clip
				}
			}
		})
	}
	for k := range c.N {
		next <- k
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := writeManifest(c.Out, lines); err != nil {
		return err
	}
	if err := writeVocabulary(c.Out); err != nil {
		return err
	}
	var frames, seconds float64
	for _, l := range lines {
		frames += float64(l.Frames)
		seconds += l.Duration
	}
	fmt.Printf("wrote %d clips (%.0f frames, %.1f s of audio) to %s in %.2f s: %.1f clips/s with %d workers\n",
		c.N, frames, seconds, c.Out, elapsed.Seconds(), float64(c.N)/elapsed.Seconds(), workers)
	if c.Preview {
		return writePreview(c, preview)
	}
	return nil
}

func writeManifest(dir string, lines []manifestLine) error {
	return sceneio.WriteFile(filepath.Join(dir, "manifest.jsonl"), func(w *bufio.Writer) error {
		enc := json.NewEncoder(w)
		for _, l := range lines {
			if err := enc.Encode(l); err != nil {
				return err
			}
		}
		return nil
	})
}

func writeVocabulary(dir string) error {
	return sceneio.WriteFile(filepath.Join(dir, "vocabulary.txt"), func(w *bufio.Writer) error {
		for _, word := range scene.Vocabulary() {
			if _, err := fmt.Fprintln(w, word); err != nil {
				return err
			}
		}
		return nil
	})
}

func writePreview(c *cli, clips []*scene.Clip) error {
	dir := filepath.Join(c.Out, "preview")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create preview directory: %w", err)
	}
	sheet := sceneio.Spritesheet(clips, sceneio.SheetOptions{Columns: c.PreviewColumns, Step: 1, Scale: 2})
	if err := sceneio.WriteFile(filepath.Join(dir, "sheet.png"), func(w *bufio.Writer) error {
		return sceneio.WritePNG(w, sheet)
	}); err != nil {
		return err
	}
	for row, clip := range clips {
		name := fmt.Sprintf("clip_%06d.wav", clip.Spec.Index)
		if err := sceneio.WriteFile(filepath.Join(dir, name), func(w *bufio.Writer) error {
			return sceneio.WriteWAV(w, clip.Audio, scene.SampleRate)
		}); err != nil {
			return err
		}
		fmt.Printf("preview row %d: %s  %dx%d %.2f s, %d impacts: %q\n", row, name,
			clip.Spec.Size.W, clip.Spec.Size.H, clip.Spec.Duration(), len(clip.Truth.Impacts), clip.Truth.Caption)
	}
	fmt.Printf("preview sheet: %s (white strip: floor impact, magenta: wall/ceiling impact since the previous frame)\n",
		filepath.Join(dir, "sheet.png"))
	return nil
}
