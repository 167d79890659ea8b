package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/lockstep-av/lockstep/model/demo/checkpoint"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/diffusion"
	"github.com/lockstep-av/lockstep/media"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// generateCmd is `lockstep generate`.
type generateCmd struct {
	Prompt      string   `help:"Caption of the clip (words of the model's vocabulary)." required:""`
	Negative    string   `name:"negative" help:"Negative prompt for the unconditional pass (default: the null caption)."`
	Seed        uint64   `help:"Seed of the initial noise." default:"0"`
	Steps       *int     `help:"Solver steps (default: the checkpoint's, 24 for the demo model)."`
	CFG         *float64 `name:"cfg" help:"Guidance scale of both modalities."`
	CFGVideo    *float64 `name:"cfg-video" help:"Guidance scale of the video (overrides --cfg)."`
	CFGAudio    *float64 `name:"cfg-audio" help:"Guidance scale of the audio (overrides --cfg)."`
	Shift       *float64 `help:"Flow schedule shift (default: the checkpoint's)."`
	Duration    float64  `help:"Clip length in seconds, rounded to 1+4n frames (default: the checkpoint's 25 frames, 2.08 s)."`
	Size        string   `help:"Frame size WxH, multiples of 16 (64x64, 96x64, 64x96, ...)." default:"64x64"`
	Solver      string   `help:"Sampler: euler (default), flow-euler, flow-heun, dpmpp-2m, dpmpp-3m, dpmpp-2m-sde, dpm-2s, unipc-2, unipc-3." default:"euler"`
	Out         string   `short:"o" help:"Output: clip.avi, clip.mp4 (needs ffmpeg), clip.wav or a directory ending in / (PNG frames + audio.wav)." default:"clip.avi"`
	SaveLatents string   `name:"save-latents" help:"Also write the final latents (safetensors) for lockstep decode." type:"path"`
	Threads     int      `help:"CPU threads (0: all cores)." default:"0"`
	Model       string   `help:"Checkpoint file (safetensors)." type:"path"`
	JSONSidecar bool     `name:"json-sidecar" help:"Write OUT.json with every setting, the model hash and the phase timings." default:"true" negatable:""`
	Quiet       bool     `short:"q" help:"No progress bar or summary."`
	stderr      io.Writer
	interactive bool
}

// sidecar is the JSON written next to a clip.
type sidecar struct {
	Engine   string             `json:"engine"`
	Settings diffusion.Settings `json:"settings"`
	Output   string             `json:"output"`
	Timings  diffusion.Timings  `json:"timings"`
	Windows  int                `json:"windows"`
	// Latents is the --save-latents file, if any.
	Latents string `json:"latents,omitempty"`
}

// Run generates the clip.
func (g *generateCmd) Run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	g.stderr = os.Stderr
	g.interactive = term.IsTerminal(int(os.Stderr.Fd()))
	return g.run(ctx)
}

// loadPipeline loads the checkpoint at path on a CPU backend, or the
// embedded demo checkpoint when path is empty.
func loadPipeline(path string, threads int) (*diffusion.Pipeline, error) {
	if path == "" {
		return diffusion.LoadBytes(cpu.New(threads), checkpoint.Bytes(), checkpoint.Name)
	}
	return diffusion.Load(cpu.New(threads), path)
}

// parseSize reads WxH.
func parseSize(s string) (w, h int, err error) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	if ok {
		w, err = strconv.Atoi(a)
		if err == nil {
			h, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil {
		return 0, 0, fmt.Errorf("--size %q: want WxH, such as 64x64", s)
	}
	return w, h, nil
}

// sidecarPath is the clip's path with its extension replaced by .json
// (clip.json inside a frame directory).
func sidecarPath(out string) string {
	if isDirOutput(out) {
		return filepath.Join(out, "clip.json")
	}
	return strings.TrimSuffix(out, filepath.Ext(out)) + ".json"
}

func isDirOutput(out string) bool {
	if strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(filepath.Separator)) {
		return true
	}
	st, err := os.Stat(out)
	return err == nil && st.IsDir()
}

// checkWritable fails unless a file can be created in the directory that
// will hold path (the directory itself for a frame directory that exists).
func checkWritable(path string, dir bool) error {
	d := filepath.Dir(path)
	if dir {
		d = filepath.Clean(path)
		if _, err := os.Stat(d); errors.Is(err, os.ErrNotExist) {
			d = filepath.Dir(d)
		}
	}
	if st, err := os.Stat(d); err != nil || !st.IsDir() {
		return fmt.Errorf("cannot write %s: directory %s does not exist", path, d)
	}
	f, err := os.CreateTemp(d, ".lockstep-check-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: directory %s is not writable: %w", path, d, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// mediaParams describes the clip of s for a media writer.
func mediaParams(s diffusion.Settings) media.Params {
	return media.Params{Width: s.Width, Height: s.Height, FPSNum: s.FPS, FPSDen: 1, SampleRate: s.SampleRate}
}

func (g *generateCmd) logf(format string, args ...any) {
	if !g.Quiet {
		fmt.Fprintf(g.stderr, format, args...)
	}
}

func (g *generateCmd) run(ctx context.Context) error {
	w, h, err := parseSize(g.Size)
	if err != nil {
		return err
	}
	dirOut := isDirOutput(g.Out)
	// Output paths first: nothing is loaded or sampled for a path that
	// cannot be written.
	if err := checkWritable(g.Out, dirOut); err != nil {
		return err
	}
	if g.SaveLatents != "" {
		if err := checkWritable(g.SaveLatents, false); err != nil {
			return err
		}
	}
	p, err := loadPipeline(g.Model, g.Threads)
	if err != nil {
		return err
	}
	defer p.Close()

	o := p.DefaultOptions()
	o.Prompt, o.NegativePrompt, o.Seed, o.Solver = g.Prompt, g.Negative, g.Seed, g.Solver
	o.Width, o.Height = w, h
	if g.Steps != nil {
		o.Steps = *g.Steps
	}
	if g.CFG != nil {
		o.CFGVideo, o.CFGAudio = *g.CFG, *g.CFG
	}
	if g.CFGVideo != nil {
		o.CFGVideo = *g.CFGVideo
	}
	if g.CFGAudio != nil {
		o.CFGAudio = *g.CFGAudio
	}
	if g.Shift != nil {
		o.Shift = *g.Shift
	}
	if g.Duration != 0 {
		o.Duration = g.Duration
	}
	if err := p.Validate(o); err != nil {
		return err
	}
	if o.Duration > 0 {
		cfg := p.Model.Config
		fr := diffusion.FramesForDuration(o.Duration, cfg.FPS, cfg.VideoVAE.TemporalFactor)
		g.logf("duration %g s rounded to %d frames (%.3f s): clips have 1+%d·n frames\n",
			o.Duration, fr, float64(fr)/float64(cfg.FPS), cfg.VideoVAE.TemporalFactor)
	}

	// Open the writer before sampling: unwritable paths and MP4 without
	// ffmpeg fail now, not after the work.
	cfg := p.Model.Config
	out, err := media.Create(g.Out, media.Params{Width: w, Height: h, FPSNum: cfg.FPS, FPSDen: 1, SampleRate: cfg.SampleRate})
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			out.Abort()
		}
	}()

	var bar *progressbar.ProgressBar
	o.Callback = func(s diffusion.StepInfo) error {
		if bar == nil && g.interactive && !g.Quiet {
			bar = progressbar.NewOptions(s.Steps,
				progressbar.OptionSetWriter(g.stderr),
				progressbar.OptionSetDescription("sampling"),
				progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionSetWidth(30))
		}
		if bar != nil {
			bar.Describe(fmt.Sprintf("step %d/%d σ=%.3f %.2fs/step", s.Index+1, s.Steps, s.Sigma, s.Elapsed.Seconds()))
			bar.Add(1)
		}
		return nil
	}
	res, err := p.Generate(ctx, o)
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return err
	}
	if g.SaveLatents != "" {
		if err := diffusion.SaveLatents(g.SaveLatents, res.Latents, res.Settings); err != nil {
			return err
		}
	}
	sc := sidecar{Engine: "lockstep " + version, Settings: res.Settings, Output: g.Out, Timings: res.Timings, Latents: g.SaveLatents}
	if err := decodeTo(ctx, p, res.Latents, out, &sc); err != nil {
		return err
	}
	committed = true
	if g.JSONSidecar {
		if err := media.WriteJSON(sidecarPath(g.Out), sc); err != nil {
			return err
		}
	}
	s := res.Settings
	g.logf("wrote %s: %d frames %dx%d (%.3f s), %d audio samples; %d steps in %.2f s (%.3f s/step), decode %.2f s (video %.2f s, audio %.2f s), mux %.2f s\n",
		g.Out, s.Frames, s.Width, s.Height, s.Duration, s.Samples, len(res.Timings.Steps), res.Timings.Sampling.Seconds(),
		res.Timings.Sampling.Seconds()/float64(max(len(res.Timings.Steps), 1)), sc.Timings.Decode.Seconds(),
		sc.Timings.VideoDecode.Seconds(), sc.Timings.AudioDecode.Seconds(), sc.Timings.Mux.Seconds())
	return nil
}

// decodeTo decodes l into out, closes it and records the timings in sc.
func decodeTo(ctx context.Context, p *diffusion.Pipeline, l *diffusion.Latents, out media.Writer, sc *sidecar) error {
	st, err := p.Decode(ctx, l, out.WriteWindow)
	if err != nil {
		return err
	}
	t := time.Now()
	if err := out.Close(); err != nil {
		return err
	}
	sc.Timings.Decode, sc.Timings.Mux = st.Decode, st.Mux+time.Since(t)
	sc.Timings.VideoDecode, sc.Timings.AudioDecode = st.Video, st.Audio
	sc.Windows = st.Windows
	return nil
}
