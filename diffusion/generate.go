package diffusion

import (
	"context"
	"fmt"
	"time"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/scheduler"
	"github.com/lockstep-av/lockstep/scheduler/tensorops"
)

// NoiseStream is the RNG stream of the initial noise (scheduler.NewRNG);
// stochastic solvers draw from stream 1 of the same seed.
const NoiseStream = 0

// InitialNoise returns the seeded unit noise of a clip: standard normals
// from scheduler.NewRNG(seed, NoiseStream), filling the video latent
// [1, C, f, h, w] in element order first, then the audio latent [1, C, T],
// each value drawn in float64 and rounded to float32.
func InitialNoise(seed uint64, videoShape, audioShape []int) *Latents {
	rng := scheduler.NewRNG(seed, NoiseStream)
	draw := func(shape []int) []float32 {
		out := make([]float32, backend.NumElements(shape))
		for i := range out {
			out[i] = float32(rng.Normal())
		}
		return out
	}
	v := draw(videoShape)
	a := draw(audioShape)
	return &Latents{Video: v, VideoShape: append([]int(nil), videoShape...), Audio: a, AudioShape: append([]int(nil), audioShape...)}
}

// StepInfo describes one model evaluation for Options.Callback.
type StepInfo struct {
	Index int // 0-based evaluation index
	Steps int // evaluations in the run (2n-1 for flow-heun, else n)
	// Sigma is the noise level the model saw (1 = pure noise).
	Sigma float64
	// Elapsed is the time of this evaluation (text conditions excluded:
	// model passes, guidance, checks); Total the time since sampling began.
	Elapsed, Total time.Duration

	x, v *Latents
}

// Latents returns the latents the model saw at this step (a copy the
// callback may keep).
func (s StepInfo) Latents() *Latents { return s.x }

// Velocity returns the guided velocity prediction of this step.
func (s StepInfo) Velocity() *Latents { return s.v }

// Denoised returns the model's estimate of the clean latents at this
// step, x0 = x - σ·v (rectified flow), what a preview should show.
func (s StepInfo) Denoised() *Latents {
	d := s.x.Clone()
	for i := range d.Video {
		d.Video[i] = float32(float64(d.Video[i]) - s.Sigma*float64(s.v.Video[i]))
	}
	for i := range d.Audio {
		d.Audio[i] = float32(float64(d.Audio[i]) - s.Sigma*float64(s.v.Audio[i]))
	}
	return d
}

// Result is the outcome of Generate.
type Result struct {
	Latents  *Latents
	Settings Settings
	Timings  Timings
}

// Generate validates o, encodes the prompt, draws the initial noise and
// runs the solver with classifier-free guidance per modality, returning
// the final latents (decode them with Decode). ctx is checked before every
// model evaluation; non-finite latents or predictions stop the run with an
// error naming the step; a panic inside the model or a backend is
// returned as an error.
func (p *Pipeline) Generate(ctx context.Context, o Options) (res *Result, err error) {
	defer func() {
		if err != nil {
			res = nil
		}
	}()
	defer backend.Recover(&err, "diffusion: generate")
	pl, err := p.plan(o)
	if err != nil {
		return nil, err
	}
	o = pl.opts
	b := p.Backend
	res = &Result{Settings: p.settings(pl)}

	// Text conditions, persistent across the steps.
	t0 := time.Now()
	bctx := b.NewContext()
	persist := func(x backend.Tensor) (backend.Tensor, error) { return b.FromFloat32(b.Float32(x), x.Shape()...) }
	cond, err := persist(p.Model.Text.Forward(bctx, pl.cond))
	if err != nil {
		return nil, fmt.Errorf("diffusion: text conditions: %w", err)
	}
	guided := o.CFGVideo != 1 || o.CFGAudio != 1
	var uncond backend.Tensor
	if guided {
		if uncond, err = persist(p.Model.Text.Forward(bctx, pl.uncond)); err != nil {
			return nil, fmt.Errorf("diffusion: text conditions: %w", err)
		}
	}
	bctx.Reset()
	res.Timings.TextEncode = time.Since(t0)

	noise := o.Noise
	if noise == nil {
		noise = InitialNoise(o.Seed, pl.video, pl.audio)
	}
	if err := noise.checkFinite("diffusion: initial noise"); err != nil {
		return nil, err
	}
	nv, na := len(noise.Video), len(noise.Audio)
	ops := tensorops.New(b)
	joint := make([]float32, 0, nv+na)
	joint = append(append(joint, noise.Video...), noise.Audio...)
	x := ops.FromFloat32(joint, nv+na)

	sampler, err := NewSolver[*tensorops.Latent](ops, o.Solver, o.Steps, o.Shift, o.Seed) // plan resolved "" to DefaultSolver
	if err != nil {
		return nil, fmt.Errorf("diffusion: solver %s: %w", o.Solver, err)
	}
	evals := len(sampler.Timesteps())
	res.Settings.ModelEvaluations = evals
	guidance := scheduler.Guidance{
		"video": {Scale: o.CFGVideo, Rescale: o.Rescale},
		"audio": {Scale: o.CFGAudio, Rescale: o.Rescale},
	}
	split := func(h []float32) *Latents {
		return &Latents{Video: h[:nv:nv], VideoShape: pl.video, Audio: h[nv:], AudioShape: pl.audio}
	}

	start := time.Now()
	model := func(out, xIn *tensorops.Latent, c scheduler.Cond) error {
		i := c.Step
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("stopped before model evaluation %d of %d: %w", i+1, evals, err)
		}
		ts := time.Now()
		xt := xIn.Tensor()
		xh := split(b.Float32(xt))
		if err := xh.checkFinite(fmt.Sprintf("step %d (sigma %.4g): latents", i, c.Sigma)); err != nil {
			return err
		}
		zv := bctx.Reshape(bctx.Slice(xt, 0, 0, nv), pl.video...)
		za := bctx.Reshape(bctx.Slice(xt, 0, nv, nv+na), pl.audio...)
		s := []float64{c.Sigma}
		cv, ca, err := p.Model.DiT.Forward(bctx, zv, za, cond, s, s)
		if err != nil {
			return fmt.Errorf("step %d: %w", i, err)
		}
		cm := scheduler.Modal[*tensorops.Latent]{"video": ops.Wrap(cv), "audio": ops.Wrap(ca)}
		var um scheduler.Modal[*tensorops.Latent]
		if guided {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("stopped during model evaluation %d of %d: %w", i+1, evals, err)
			}
			uv, ua, err := p.Model.DiT.Forward(bctx, zv, za, uncond, s, s)
			if err != nil {
				return fmt.Errorf("step %d: %w", i, err)
			}
			um = scheduler.Modal[*tensorops.Latent]{"video": ops.Wrap(uv), "audio": ops.Wrap(ua)}
		}
		if err := scheduler.Guide(ops, cm, guidance, cm, um, nil); err != nil {
			return fmt.Errorf("step %d: %w", i, err)
		}
		v := bctx.Concat(0, bctx.Reshape(cm["video"].Tensor(), nv), bctx.Reshape(cm["audio"].Tensor(), na))
		ops.Set(out, v)
		vh := split(b.Float32(v))
		bctx.Reset()
		if err := vh.checkFinite(fmt.Sprintf("step %d (sigma %.4g): model output (guided velocity)", i, c.Sigma)); err != nil {
			return err
		}
		el := time.Since(ts)
		res.Timings.Steps = append(res.Timings.Steps, el)
		if o.Callback != nil {
			info := StepInfo{Index: i, Steps: evals, Sigma: c.Sigma, Elapsed: el, Total: time.Since(start), x: xh, v: vh}
			if err := o.Callback(info); err != nil {
				return fmt.Errorf("step %d: callback: %w", i, err)
			}
		}
		return nil
	}
	if err := sampler.Sample(model, x); err != nil {
		return nil, fmt.Errorf("diffusion: sampling with %s: %w", o.Solver, err)
	}
	res.Timings.Sampling = time.Since(start)
	res.Latents = split(ops.Float32(x))
	if err := res.Latents.checkFinite("diffusion: final latents"); err != nil {
		return nil, err
	}
	return res, nil
}

// settings records a validated plan.
func (p *Pipeline) settings(pl *plan) Settings {
	o, c := pl.opts, p.Model.Config
	return Settings{
		Prompt: o.Prompt, NegativePrompt: o.NegativePrompt, Seed: o.Seed, Steps: o.Steps,
		CFGVideo: o.CFGVideo, CFGAudio: o.CFGAudio, Rescale: o.Rescale, Shift: o.Shift, Solver: o.Solver,
		Frames: pl.frames, Width: o.Width, Height: o.Height, FPS: c.FPS, SampleRate: c.SampleRate,
		Samples: pl.samples, Duration: float64(pl.frames) / float64(c.FPS), NoiseOverride: o.Noise != nil,
		Model: p.Name, ModelHash: p.Hash,
	}
}
