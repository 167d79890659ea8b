package diffusion

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Options are the settings of one generation. Start from
// Pipeline.DefaultOptions (the checkpoint's sampling defaults) and change
// what you need; Validate rejects anything out of range.
type Options struct {
	Prompt string
	// NegativePrompt replaces the null caption [<bos>] in the
	// unconditional pass of classifier-free guidance when not empty.
	NegativePrompt string
	Seed           uint64
	// Steps is the number of solver steps (at least 1).
	Steps int
	// CFGVideo and CFGAudio are the classifier-free guidance scales of
	// each modality (1: no unconditional pass for that modality; 0: the
	// unconditional prediction alone).
	CFGVideo, CFGAudio float64
	// Rescale is the CFG rescale factor φ in [0, 1] of both modalities
	// (diffusers' guidance_rescale); 0 disables it.
	Rescale float64
	// Shift is the flow schedule shift (SPEC: s' = shift·t/(1+(shift-1)·t)).
	Shift float64
	// Solver names the sampler (SolverNames); "" is DefaultSolver.
	Solver string
	// Frames is the clip length in video frames, 1 + 4n. Duration, when
	// positive, replaces it: the clip gets the 1 + 4n frames nearest to
	// Duration·fps (see FramesForDuration).
	Frames   int
	Duration float64
	// Width and Height in pixels, positive multiples of 16, at most
	// MaxSide each.
	Width, Height int
	// Noise, when not nil, is the initial noise instead of the seeded
	// noise (fixtures that pin the noise of another generator); its shapes
	// must match the clip.
	Noise *Latents
	// Callback, when not nil, is called after every model evaluation; an
	// error it returns stops sampling and is returned wrapped.
	Callback func(StepInfo) error
}

// MaxSide bounds each side of the frame in pixels.
const MaxSide = 1024

// MaxSteps bounds the number of solver steps.
const MaxSteps = 1000

// FramesForDuration returns the 1 + tf·n frames (tf the VAE's temporal
// factor) nearest to seconds·fps, at least 1.
func FramesForDuration(seconds float64, fps, tf int) int {
	n := math.Round((seconds*float64(fps) - 1) / float64(tf))
	return 1 + tf*int(max(n, 0))
}

// OptionsError lists every problem Validate found.
type OptionsError struct {
	Errs []error
}

func (e *OptionsError) Error() string {
	s := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		s[i] = err.Error()
	}
	if len(s) == 1 {
		return "invalid options: " + s[0]
	}
	return fmt.Sprintf("invalid options: %d problems: %s", len(s), strings.Join(s, "; "))
}

// Unwrap returns the individual problems (errors.As finds a
// *demo.UnknownWordsError among them).
func (e *OptionsError) Unwrap() []error { return e.Errs }

// plan is a validated generation: options resolved against the model.
type plan struct {
	opts         Options
	frames       int
	video        []int // [1, C, f, h, w]
	audio        []int // [1, C, T]
	samples      int
	cond, uncond []int // token ids
}

// Validate checks o against the model's vocabulary and sizes and returns
// an *OptionsError naming every problem, or nil.
func (p *Pipeline) Validate(o Options) error {
	_, err := p.plan(o)
	return err
}

func (p *Pipeline) plan(o Options) (*plan, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	cfg := p.Model.Config
	if o.Steps < 1 || o.Steps > MaxSteps {
		bad("steps is %d, want 1 to %d", o.Steps, MaxSteps)
	}
	for _, g := range []struct {
		name string
		v    float64
	}{{"video guidance scale", o.CFGVideo}, {"audio guidance scale", o.CFGAudio}} {
		if math.IsNaN(g.v) || math.IsInf(g.v, 0) || g.v < 0 || g.v > 100 {
			bad("%s is %g, want a number from 0 to 100", g.name, g.v)
		}
	}
	if math.IsNaN(o.Rescale) || o.Rescale < 0 || o.Rescale > 1 {
		bad("CFG rescale is %g, want 0 to 1", o.Rescale)
	}
	if math.IsNaN(o.Shift) || math.IsInf(o.Shift, 0) || o.Shift <= 0 {
		bad("shift is %g, want a positive number", o.Shift)
	}
	if _, err := lookupSolver(o.Solver); err != nil {
		errs = append(errs, err)
	}
	frames := o.Frames
	tf := cfg.VideoVAE.TemporalFactor
	switch {
	case math.IsNaN(o.Duration) || math.IsInf(o.Duration, 0) || o.Duration < 0:
		bad("duration is %g s, want a positive number of seconds", o.Duration)
		frames = 0
	case o.Duration > 0:
		frames = FramesForDuration(o.Duration, cfg.FPS, tf)
	}
	if o.Duration >= 0 && (frames < 1 || (frames-1)%tf != 0) {
		bad("%d frames is not 1 + %d·n (n ≥ 0)", frames, tf)
	}
	unit := cfg.VideoVAE.SpatialFactor * cfg.DiT.Patch[1]
	if o.Width < unit || o.Height < unit || o.Width%unit != 0 || o.Height%unit != 0 || o.Width > MaxSide || o.Height > MaxSide {
		bad("size %dx%d is not supported: width and height must be multiples of %d from %d to %d (e.g. 64x64, 96x64, 64x96)",
			o.Width, o.Height, unit, unit, MaxSide)
	}
	pl := &plan{opts: o, frames: frames}
	var err error
	if pl.cond, err = p.Model.Tokenizer.Encode(o.Prompt); err != nil {
		errs = append(errs, fmt.Errorf("prompt: %w", err))
	}
	pl.uncond = p.Model.Tokenizer.Null()
	if o.NegativePrompt != "" {
		if pl.uncond, err = p.Model.Tokenizer.Encode(o.NegativePrompt); err != nil {
			errs = append(errs, fmt.Errorf("negative prompt: %w", err))
		}
	}
	if len(errs) == 0 {
		v, tokens, samples, err := cfg.LatentShape(frames, o.Height, o.Width)
		if err != nil {
			errs = append(errs, err)
		}
		pl.video = []int{1, v[0], v[1], v[2], v[3]}
		pl.audio = []int{1, cfg.AudioVAE.ZChannels, tokens}
		pl.samples = samples
	}
	if len(errs) == 0 && o.Noise != nil {
		if !slices.Equal(o.Noise.VideoShape, pl.video) || !slices.Equal(o.Noise.AudioShape, pl.audio) {
			bad("noise shapes %v and %v do not match the clip's latents %v and %v",
				o.Noise.VideoShape, o.Noise.AudioShape, pl.video, pl.audio)
		}
	}
	if len(errs) > 0 {
		return nil, &OptionsError{Errs: errs}
	}
	pl.opts.Frames, pl.opts.Duration = frames, 0
	if pl.opts.Solver == "" {
		pl.opts.Solver = DefaultSolver
	}
	return pl, nil
}

// DefaultOptions returns the checkpoint's sampling defaults (steps, shift,
// guidance, frames), the default solver and 64×64 frames.
func (p *Pipeline) DefaultOptions() Options {
	s := p.Model.Config.Sampling
	return Options{
		Steps: s.Steps, CFGVideo: s.CFGVideo, CFGAudio: s.CFGAudio, Shift: s.Shift,
		Solver: DefaultSolver, Frames: s.Frames, Width: 64, Height: 64,
	}
}
