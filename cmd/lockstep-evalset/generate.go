package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/lockstep-av/lockstep/scene"
)

// genOptions are the settings every clip's `lockstep generate` shares.
type genOptions struct {
	Model   string   // checkpoint ("": the binary's embedded one)
	Threads int      // CPU threads (0: all cores)
	Extra   []string // further generate arguments (--cfg-video=6, --solver=dpmpp-2m, ...)
}

// generateArgs returns the arguments of `lockstep generate` for clip e of a
// run in dir: its caption, noise seed, frame size, duration (when the plan
// asks for a frame count) and output path, quiet, plus --model and
// --threads when set and then o.Extra. The sidecar of each clip records the
// settings that result, and the report prints them.
func generateArgs(dir string, e Entry, o genOptions) []string {
	args := []string{"generate",
		"--prompt", e.Caption,
		"--seed", strconv.FormatUint(e.Seed, 10),
		"--size", fmt.Sprintf("%dx%d", e.Width, e.Height),
		"--out", filepath.Join(dir, e.Clip),
		"--quiet",
	}
	if e.Frames > 0 {
		// generate rounds the duration to the nearest 1+4n frames; a
		// count of that form comes back unchanged.
		args = append(args, "--duration", strconv.FormatFloat(float64(e.Frames)/scene.FPS, 'g', -1, 64))
	}
	if o.Model != "" {
		args = append(args, "--model", o.Model)
	}
	if o.Threads > 0 {
		args = append(args, "--threads", strconv.Itoa(o.Threads))
	}
	return append(args, o.Extra...)
}

// generateAll runs the lockstep binary once per clip of the plan in dir,
// in plan order, reporting progress on log. It stops at the first failure.
func generateAll(ctx context.Context, bin, dir string, p *Plan, o genOptions, log io.Writer) error {
	start := time.Now()
	for _, e := range p.Clips {
		if p.FrameDirs {
			// generate refuses to replace a non-empty directory.
			if err := os.RemoveAll(filepath.Join(dir, e.Clip)); err != nil {
				return fmt.Errorf("generate %s: %w", e.Clip, err)
			}
		}
		t0 := time.Now()
		cmd := exec.CommandContext(ctx, bin, generateArgs(dir, e, o)...)
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("generate %s (%q, seed %d): %s: %w", e.Clip, e.Caption, e.Seed, bin, err)
		}
		fmt.Fprintf(log, "clip %d/%d %s %dx%d seed %d %q: %.1f s\n", e.Index+1, len(p.Clips), e.Clip,
			e.Width, e.Height, e.Seed, e.Caption, time.Since(t0).Seconds())
	}
	fmt.Fprintf(log, "generated %d clips in %s in %.1f s\n", len(p.Clips), dir, time.Since(start).Seconds())
	return nil
}
