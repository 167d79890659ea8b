package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/lockstep-av/lockstep/diffusion"
	"github.com/lockstep-av/lockstep/media"
)

// decodeCmd is `lockstep decode`: the decode half of generate, from
// latents saved with --save-latents.
type decodeCmd struct {
	Latents     string `arg:"" help:"Latents file written by generate --save-latents." type:"path"`
	Out         string `short:"o" help:"Output: clip.avi, clip.mp4 (needs ffmpeg), clip.wav or a directory ending in /." default:"clip.avi"`
	Model       string `help:"Checkpoint file (safetensors); should be the one that sampled the latents." type:"path"`
	Threads     int    `help:"CPU threads (0: all cores)." default:"0"`
	JSONSidecar bool   `name:"json-sidecar" help:"Write OUT.json with the settings and timings." default:"true" negatable:""`
	Quiet       bool   `short:"q" help:"No summary."`
	stderr      io.Writer
}

// Run decodes the latents.
func (d *decodeCmd) Run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	d.stderr = os.Stderr
	return d.run(ctx)
}

func (d *decodeCmd) run(ctx context.Context) error {
	l, s, err := diffusion.LoadLatents(d.Latents)
	if err != nil {
		return err
	}
	if err := checkWritable(d.Out, isDirOutput(d.Out)); err != nil {
		return err
	}
	p, err := loadPipeline(d.Model, d.Threads)
	if err != nil {
		return err
	}
	defer p.Close()
	if s.ModelHash != p.Hash && !d.Quiet {
		fmt.Fprintf(d.stderr, "warning: the latents were sampled by %s (%s), decoding with %s (%s)\n", s.Model, s.ModelHash, p.Name, p.Hash)
	}
	out, err := media.Create(d.Out, mediaParams(s))
	if err != nil {
		return err
	}
	sc := sidecar{Engine: "lockstep " + version, Settings: s, Output: d.Out, Latents: d.Latents}
	if err := decodeTo(ctx, p, l, out, &sc); err != nil {
		out.Abort()
		return err
	}
	if d.JSONSidecar {
		if err := media.WriteJSON(sidecarPath(d.Out), sc); err != nil {
			return err
		}
	}
	if !d.Quiet {
		fmt.Fprintf(d.stderr, "wrote %s: %d frames, %d samples; decode %.2f s (video %.2f s, audio %.2f s), mux %.2f s\n", d.Out, s.Frames, s.Samples,
			sc.Timings.Decode.Seconds(), sc.Timings.VideoDecode.Seconds(), sc.Timings.AudioDecode.Seconds(), sc.Timings.Mux.Seconds())
	}
	return nil
}
