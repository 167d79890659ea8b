package demo

import (
	"fmt"
	"sync"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/nn"
)

// DiT is the audio-video diffusion transformer (`dit.`). It embeds the
// video latent as patches and the audio latent as one token per latent
// step, runs the blocks over the joint sequence [video; audio] with one
// time-aligned 3-D RoPE table, and returns each modality's velocity.
// The blocks and heads are conditioned on the noise level of their
// modality and, with text_pool, on the pooled caption (Time).
//
// TextPool (`dit.text_pool`) carries no weight tag: LoadPrefix binds it
// only when the config has text_pool, so that a checkpoint holding its
// tensors without the key is rejected (unused tensors).
//
// Forward is safe for concurrent use with different contexts.
type DiT struct {
	PatchEmbedding nn.Conv3d              `weight:"patch_embedding"` // [D, Cv, pt, ph, pw], kernel = stride = patch
	AudioEmbedding nn.Linear              `weight:"audio_embedding"` // [D, Ca]
	TextEmbedding  nn.FeedForward         `weight:"text_embedding"`  // Linear [D, text.dim], GELU(tanh), Linear [D, D]
	TimeEmbedding  nn.TimestepEmbedding   `weight:"time_embedding"`  // Linear [D, freq_dim], SiLU, Linear [D, D]
	TimeProjection nn.ConditionProjection `weight:"time_projection"` // SiLU, Linear [6D, D]
	TextPool       *nn.Linear             // [D, D]; nil without text_pool (untagged: bound by LoadPrefix)
	Blocks         []*Block               `weight:"blocks"`
	HeadVideo      Head                   `weight:"head_video"` // head [Cv·pt·ph·pw, D]
	HeadAudio      Head                   `weight:"head_audio"` // head [Ca, D]
	cfg            DiTConfig              // sizes and RoPE settings
	b              backend.Backend        // owner of the RoPE tables
	mu             sync.Mutex             // guards ropes
	ropes          map[[4]int]*nn.RoPE    // per (f, h, w, T) of the token grid
}

func newDiT(b backend.Backend, c *Config) *DiT {
	d := c.DiT
	eps := float32(d.Eps)
	p := d.Patch
	t := &DiT{
		PatchEmbedding: nn.Conv3d{Stride: [3]int{p[0], p[1], p[2]}},
		TextEmbedding:  nn.FeedForward{Act: nn.GELUTanh},
		TimeEmbedding:  nn.TimestepEmbedding{Sinusoidal: nn.Sinusoidal{FlipSinToCos: true}},
		TimeProjection: nn.ConditionProjection{N: 6},
		Blocks:         make([]*Block, d.Layers),
		HeadVideo:      Head{Eps: eps},
		HeadAudio:      Head{Eps: eps},
		cfg:            d,
		b:              b,
		ropes:          map[[4]int]*nn.RoPE{},
	}
	if d.TextPool {
		t.TextPool = &nn.Linear{}
	}
	for i := range t.Blocks {
		t.Blocks[i] = newBlock(d)
	}
	return t
}

// Dim is the token width D.
func (d *DiT) Dim() int { return d.cfg.Dim }

// RoPE returns the rotation table of the joint sequence of a video token
// grid f×h×w (latent frames and patch rows/columns) followed by T audio
// tokens, building it on first use: video token (t, i, j) sits at position
// (t, i, j), audio token n at (n·audio_time_step, 0, 0), head dimension
// split by nn.AxisDims3D, interleaved pairs.
func (d *DiT) RoPE(f, h, w, T int) (*nn.RoPE, error) {
	key := [4]int{f, h, w, T}
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.ropes[key]; ok {
		return r, nil
	}
	pos := nn.ConcatPositions(nn.GridPositions(f, h, w, 0, 1), nn.TimePositions(T, 0, d.cfg.AudioTimeStep))
	r, err := nn.NewRoPE(d.b, pos, nn.AxisDims3D(d.cfg.HeadDim()), d.cfg.RoPETheta, backend.RoPEInterleaved)
	if err != nil {
		return nil, fmt.Errorf("demo DiT RoPE table for %d×%d×%d video and %d audio tokens: %w", f, h, w, T, err)
	}
	d.ropes[key] = r
	return r, nil
}

// Pool returns the pooled caption [B, D] of the embedded caption
// c [B, L, D] (the output of TextEmbedding), or nil when the model has no
// text_pool:
//
//	pooled = text_pool(mean over the L tokens of c)
//
// The mean is over every token: the captions of a batch are unpadded.
func (d *DiT) Pool(ctx backend.Context, c backend.Tensor) backend.Tensor {
	if d.TextPool == nil {
		return nil
	}
	return d.TextPool.Forward(ctx, ctx.Reduce(backend.Mean, c, 1, false))
}

// Time returns the time embedding e [n, D] and the block conditions
// e6 [n, 6, D] of the noise levels sigma, conditioned on the pooled
// caption (from Pool; nil for none):
//
//	e  = time_embedding(sinusoid(num_train_timesteps·σ)) + pooled
//	e6 = time_projection(e)
//
// with Wan's [cos | sin] sinusoid. n is len(sigma), or B when pooled is
// [B, D] and sigma holds one level for the whole batch (broadcast); other
// pairs of lengths must be equal (else a *backend.ShapeError panic).
func (d *DiT) Time(ctx backend.Context, sigma []float64, pooled backend.Tensor) (e, e6 backend.Tensor) {
	t := make([]float64, len(sigma))
	for i, s := range sigma {
		t[i] = s * d.cfg.NumTrainTimesteps
	}
	e = d.TimeEmbedding.Forward(ctx, t)
	if pooled != nil {
		e = ctx.Binary(backend.Add, e, pooled) // [len(sigma), D] + [B, D], broadcast
	}
	return e, d.TimeProjection.Forward(ctx, e)
}

// Forward predicts the velocities of the normalised video latent
// zv [B, Cv, f, h, w] (f, h, w multiples of the patch) and audio latent
// za [B, Ca, T] given the caption context c [B, L, text.dim] (from
// TextEncoder.Forward) and the noise levels of each modality, sigmaV and
// sigmaA, each of length 1 (shared by the batch) or B. With text_pool the
// pooled caption (Pool) joins both time embeddings (Time). It returns
// vv [B, Cv, f, h, w] and va [B, Ca, T]. Shape mismatches panic with a
// *backend.ShapeError; the error reports a failure to build the RoPE table.
func (d *DiT) Forward(ctx backend.Context, zv, za, c backend.Tensor, sigmaV, sigmaA []float64) (vv, va backend.Tensor, err error) {
	sv, sa := zv.Shape(), za.Shape()
	p := d.cfg.Patch
	if len(sv) != 5 || len(sa) != 3 || sv[0] != sa[0] || sv[2]%p[0] != 0 || sv[3]%p[1] != 0 || sv[4]%p[2] != 0 {
		backend.ShapePanic("demo.DiT", fmt.Sprintf("want zv [B, C, f, h, w] with f, h, w multiples of %v and za [B, C, T]", p), zv, za)
	}
	if cs := c.Shape(); len(cs) != 3 || cs[0] != sv[0] {
		backend.ShapePanic("demo.DiT", "context must be [B, L, text.dim] with the latents' B", c, zv)
	}
	B, C := sv[0], sv[1]
	for _, s := range [][]float64{sigmaV, sigmaA} {
		if len(s) != 1 && len(s) != B {
			backend.ShapePanic("demo.DiT", fmt.Sprintf("%d noise levels for batch %d", len(s), B), zv)
		}
	}
	gf, gh, gw, T := sv[2]/p[0], sv[3]/p[1], sv[4]/p[2], sa[2]
	rope, err := d.RoPE(gf, gh, gw, T)
	if err != nil {
		return nil, nil, err
	}

	xv := d.PatchEmbedding.Forward(ctx, zv) // [B, D, gf, gh, gw]
	D := xv.Shape()[1]
	xv = ctx.Permute(ctx.Reshape(xv, B, D, gf*gh*gw), 0, 2, 1)
	xa := d.AudioEmbedding.Forward(ctx, ctx.Permute(za, 0, 2, 1))
	cc := d.TextEmbedding.Forward(ctx, c)
	pooled := d.Pool(ctx, cc) // nil without text_pool
	ev, e6v := d.Time(ctx, sigmaV, pooled)
	ea, e6a := d.Time(ctx, sigmaA, pooled)
	for _, blk := range d.Blocks {
		xv, xa = blk.Forward(ctx, xv, xa, e6v, e6a, cc, rope)
	}
	ov := d.HeadVideo.Forward(ctx, xv, ev) // [B, N, pt·ph·pw·C], features (pt, ph, pw, c)
	oa := d.HeadAudio.Forward(ctx, xa, ea) // [B, T, Ca]

	ov = ctx.Reshape(ov, B, gf, gh, gw, p[0], p[1], p[2], C)
	ov = ctx.Permute(ov, 0, 7, 1, 4, 2, 5, 3, 6)
	return ctx.Reshape(ov, sv...), ctx.Permute(oa, 0, 2, 1), nil
}
