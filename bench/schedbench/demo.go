package schedbench

import (
	"context"
	"fmt"
	"image"
	"math"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/diffusion"
	"github.com/lockstep-av/lockstep/scheduler"
)

// DemoCaptions are the default prompts of the demo-model benchmark, one
// per seed in turn: sentences of the demo family's caption grammar
// (package scene) with one, two and three balls and each motion.
var DemoCaptions = []string{
	"a small red ball bounces on a grey floor",
	"two large blue balls fall in a dark room",
	"a medium green ball is thrown against the wall under a blue sky",
	"three small yellow balls bounce in a white room",
}

// Demo is a demo-model checkpoint (diffusion.Pipeline) as a flow Model and
// Decoder: the latent vector is the video latents [1, C, f, h, w] then the
// audio latents [1, C, T] of diffusion.Latents; seed i starts from
// diffusion.InitialNoise(i, ...) (the noise `lockstep generate --seed i`
// starts from) and is conditioned on caption i mod len(captions), with the
// classifier-free guidance per modality of the pipeline's model function.
// The solver state is float64; every model evaluation rounds it to
// float32 for the network, as the pipeline's tensors are.
type Demo struct {
	p            *diffusion.Pipeline
	opts         diffusion.Options
	captions     []string
	video, audio []int
	nv, na       int
	name         string
	models       map[string]scheduler.Model[[]float64]
}

// NewDemo binds pipeline p with the sampling settings of o (Frames,
// Width, Height, CFGVideo, CFGAudio, Rescale, Shift, NegativePrompt; Steps,
// Solver, Seed and Prompt are ignored) and the captions (default
// DemoCaptions). name labels the records. Every caption is validated
// against the checkpoint's vocabulary.
func NewDemo(p *diffusion.Pipeline, o diffusion.Options, captions []string, name string) (*Demo, error) {
	if len(captions) == 0 {
		captions = DemoCaptions
	}
	o.Steps, o.Solver, o.Noise, o.Callback = 1, "", nil, nil
	for _, c := range captions {
		o.Prompt = c
		if err := p.Validate(o); err != nil {
			return nil, fmt.Errorf("demo benchmark, caption %q: %w", c, err)
		}
	}
	cfg := p.Model.Config
	frames := o.Frames
	if o.Duration > 0 {
		frames = diffusion.FramesForDuration(o.Duration, cfg.FPS, cfg.VideoVAE.TemporalFactor)
	}
	v, tokens, _, err := cfg.LatentShape(frames, o.Height, o.Width)
	if err != nil {
		return nil, fmt.Errorf("demo benchmark: %w", err)
	}
	o.Frames, o.Duration = frames, 0
	d := &Demo{
		p: p, opts: o, captions: captions, name: name,
		video:  []int{1, v[0], v[1], v[2], v[3]},
		audio:  []int{1, cfg.AudioVAE.ZChannels, tokens},
		models: map[string]scheduler.Model[[]float64]{},
	}
	d.nv, d.na = backend.NumElements(d.video), backend.NumElements(d.audio)
	return d, nil
}

// Name returns the name given to NewDemo.
func (d *Demo) Name() string { return d.name }

// Parts are "video" and "audio".
func (d *Demo) Parts() []Part { return []Part{{"video", 0, d.nv}, {"audio", d.nv, d.nv + d.na}} }

// Shift is the shift of the sampling settings.
func (d *Demo) Shift() float64 { return d.opts.Shift }

// Options returns the validated sampling settings (Frames resolved).
func (d *Demo) Options() diffusion.Options { return d.opts }

// Guided reports whether a model evaluation makes two network passes.
func (d *Demo) Guided() bool { return d.opts.CFGVideo != 1 || d.opts.CFGAudio != 1 }

// Seed returns the seed's initial noise and its caption's guided velocity.
func (d *Demo) Seed(seed uint64) ([]float64, scheduler.Model[[]float64], string, error) {
	caption := d.captions[seed%uint64(len(d.captions))]
	v, ok := d.models[caption]
	if !ok {
		var err error
		if v, err = d.velocity(caption); err != nil {
			return nil, nil, "", err
		}
		d.models[caption] = v
	}
	n := diffusion.InitialNoise(seed, d.video, d.audio)
	x := make([]float64, 0, d.nv+d.na)
	for _, f := range n.Video {
		x = append(x, float64(f))
	}
	for _, f := range n.Audio {
		x = append(x, float64(f))
	}
	return x, v, caption, nil
}

// velocity returns the guided velocity model of one caption: the text
// conditions are encoded once; each evaluation runs the DiT with and (when
// guided) without the caption and combines the two per modality with
// scheduler.Guide, as diffusion.Pipeline.Generate does.
func (d *Demo) velocity(caption string) (v scheduler.Model[[]float64], err error) {
	defer backend.Recover(&err, "demo benchmark: text conditions")
	b, m := d.p.Backend, d.p.Model
	ids, err := m.Tokenizer.Encode(caption)
	if err != nil {
		return nil, err
	}
	null := m.Tokenizer.Null()
	if d.opts.NegativePrompt != "" {
		if null, err = m.Tokenizer.Encode(d.opts.NegativePrompt); err != nil {
			return nil, err
		}
	}
	bctx := b.NewContext()
	persist := func(ids []int) (backend.Tensor, error) {
		x := m.Text.Forward(bctx, ids)
		return b.FromFloat32(b.Float32(x), x.Shape()...)
	}
	cond, err := persist(ids)
	if err != nil {
		return nil, err
	}
	guided := d.Guided()
	var uncond backend.Tensor
	if guided {
		if uncond, err = persist(null); err != nil {
			return nil, err
		}
	}
	bctx.Reset()
	g := scheduler.Guidance{
		"video": {Scale: d.opts.CFGVideo, Rescale: d.opts.Rescale},
		"audio": {Scale: d.opts.CFGAudio, Rescale: d.opts.Rescale},
	}
	nv := d.nv
	xv, xa := make([]float32, d.nv), make([]float32, d.na)
	scratch := make([]float64, d.nv+d.na)
	pass := func(dst []float64, zv, za, text backend.Tensor, s []float64) error {
		pv, pa, err := m.DiT.Forward(bctx, zv, za, text, s, s)
		if err != nil {
			return err
		}
		for i, f := range b.Float32(pv) {
			dst[i] = float64(f)
		}
		for i, f := range b.Float32(pa) {
			dst[nv+i] = float64(f)
		}
		return nil
	}
	return func(out, x []float64, c scheduler.Cond) (err error) {
		defer backend.Recover(&err, "demo benchmark: model")
		defer bctx.Reset()
		for i := range xv {
			xv[i] = float32(x[i])
		}
		for i := range xa {
			xa[i] = float32(x[nv+i])
		}
		zv, za := bctx.Constant(xv, d.video...), bctx.Constant(xa, d.audio...)
		s := []float64{c.Sigma}
		if err := pass(out, zv, za, cond, s); err != nil {
			return fmt.Errorf("step %d: %w", c.Step, err)
		}
		if guided {
			if err := pass(scratch, zv, za, uncond, s); err != nil {
				return fmt.Errorf("step %d: %w", c.Step, err)
			}
			cm := scheduler.Modal[[]float64]{"video": out[:nv:nv], "audio": out[nv:]}
			um := scheduler.Modal[[]float64]{"video": scratch[:nv:nv], "audio": scratch[nv:]}
			if err := scheduler.Guide[[]float64](ops, cm, g, cm, um, nil); err != nil {
				return fmt.Errorf("step %d: %w", c.Step, err)
			}
		}
		for i, f := range out {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return fmt.Errorf("step %d (sigma %.4g): velocity value %d of %d is %g", c.Step, c.Sigma, i, len(out), f)
			}
		}
		return nil
	}, nil
}

// Decode decodes x with the pipeline's lockstep decoder (what `lockstep
// generate` writes): "video" holds every frame's RGB values of the 8-bit
// frames mapped to [-1, 1] (v/127.5 - 1), "audio" the samples.
func (d *Demo) Decode(x []float64) (map[string][]float64, error) {
	l := &diffusion.Latents{
		Video: make([]float32, d.nv), VideoShape: d.video,
		Audio: make([]float32, d.na), AudioShape: d.audio,
	}
	for i := range l.Video {
		l.Video[i] = float32(x[i])
	}
	for i := range l.Audio {
		l.Audio[i] = float32(x[d.nv+i])
	}
	var px, au []float64
	sink := func(frames []*image.RGBA, audio []float32) error {
		for _, f := range frames {
			for i := 0; i < len(f.Pix); i += 4 {
				for c := range 3 {
					px = append(px, float64(f.Pix[i+c])/127.5-1)
				}
			}
		}
		for _, s := range audio {
			au = append(au, float64(s))
		}
		return nil
	}
	if _, err := d.p.Decode(context.Background(), l, sink); err != nil {
		return nil, err
	}
	return map[string][]float64{"video": px, "audio": au}, nil
}
