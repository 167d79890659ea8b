package kernels

import (
	"fmt"
	"math/rand/v2"

	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/model/demo"
	"github.com/lockstep-av/lockstep/weights"
)

// Caption is the prompt whose encoding conditions the timed step.
const Caption = "two small red balls bounce on a grey floor"

// Clip is a clip size for the step benchmark: video frames (1+4n) of
// Height×Width pixels and AudioTokens audio latent tokens.
type Clip struct {
	Frames, Height, Width, AudioTokens int
}

func (c Clip) String() string {
	return fmt.Sprintf("%dx%dx%d_a%d", c.Frames, c.Height, c.Width, c.AudioTokens)
}

// StepClips: the demo's default clip (25 frames of 64×64 pixels, a 7×8×8
// latent, plus 53 audio latent tokens) and the same 25 frames at 128×128,
// four times the video tokens. The token counts follow the checkpoint's
// patch: the shipped checkpoint's [1,1,1] gives 448 + 53 and 1792 + 53
// tokens, the default config's [1,2,2] 112 + 53 and 448 + 53.
var StepClips = []Clip{{25, 64, 64, 53}, {25, 128, 128, 53}}

// Step times one DiT forward (one conditional evaluation of a denoising
// step) of the model in the checkpoint f at each clip, and the same step's
// attention (self- and cross-attention modules of every block, projections
// included) and MLP (both modalities' feed-forwards of every block), each
// run on its own with inputs of the step's shapes; "other" is the total
// minus both (embeddings, norms, modulation, heads, concatenations).
func Step(f *weights.File, clips []Clip, threads int, t Timing) ([]Record, error) {
	be := cpu.New(threads)
	m, err := demo.Load(be, f)
	if err != nil {
		return nil, fmt.Errorf("bench step: %w", err)
	}
	ids, err := m.Tokenizer.Encode(Caption)
	if err != nil {
		return nil, fmt.Errorf("bench step: %w", err)
	}
	text := m.Text.Forward(be.NewContext(), ids)
	cfg := m.Config
	p := cfg.DiT.Patch
	D := m.DiT.Dim()
	var recs []Record
	for _, c := range clips {
		rng := rand.New(rand.NewPCG(uint64(c.Height), uint64(c.Frames)))
		lf, lh, lw := 1+(c.Frames-1)/4, c.Height/8, c.Width/8
		zv, err := be.FromFloat32(randn(rng, 16*lf*lh*lw, 1), 1, 16, lf, lh, lw)
		if err != nil {
			return nil, err
		}
		za, err := be.FromFloat32(randn(rng, 8*c.AudioTokens, 1), 1, 8, c.AudioTokens)
		if err != nil {
			return nil, err
		}
		gf, gh, gw := lf/p[0], lh/p[1], lw/p[2]
		nv, na := gf*gh*gw, c.AudioTokens
		rope, err := m.DiT.RoPE(gf, gh, gw, na)
		if err != nil {
			return nil, fmt.Errorf("bench step: %w", err)
		}
		sigma := []float64{0.6}
		ctx := be.NewContext()
		var ferr error
		total, tmin, truns := measure(t, func() {
			if _, _, err := m.DiT.Forward(ctx, zv, za, text, sigma, sigma); err != nil {
				ferr = err
			}
			ctx.Reset()
		})
		if ferr != nil {
			return nil, fmt.Errorf("bench step: %w", ferr)
		}

		h, _ := be.FromFloat32(randn(rng, (nv+na)*D, 1), 1, nv+na, D)
		xv, _ := be.FromFloat32(randn(rng, nv*D, 1), 1, nv, D)
		xa, _ := be.FromFloat32(randn(rng, na*D, 1), 1, na, D)
		cc, _ := be.FromFloat32(randn(rng, text.Shape()[1]*D, 1), 1, text.Shape()[1], D)
		attn, amin, aruns := measure(t, func() {
			for _, blk := range m.DiT.Blocks {
				blk.SelfAttn.Forward(ctx, h, h, rope, nil)
				blk.CrossAttn.Forward(ctx, h, cc, nil, nil)
			}
			ctx.Reset()
		})
		mlp, mmin, mruns := measure(t, func() {
			for _, blk := range m.DiT.Blocks {
				blk.Video.FFN.Forward(ctx, xv)
				blk.Audio.FFN.Forward(ctx, xa)
			}
			ctx.Reset()
		})
		note := fmt.Sprintf("%d video + %d audio tokens, dim %d, %d layers", nv, na, D, len(m.DiT.Blocks))
		sh := c.String()
		recs = append(recs,
			Record{Name: "step_total", Shape: sh, Threads: threads, MedianMS: total, MinMS: tmin, Runs: truns, Note: note},
			Record{Name: "step_attention", Shape: sh, Threads: threads, MedianMS: attn, MinMS: amin, Runs: aruns, Note: "self+cross attention modules"},
			Record{Name: "step_mlp", Shape: sh, Threads: threads, MedianMS: mlp, MinMS: mmin, Runs: mruns, Note: "video+audio feed-forwards"},
			Record{Name: "step_other", Shape: sh, Threads: threads, MedianMS: max(0, total-attn-mlp), MinMS: max(0, tmin-amin-mmin), Runs: truns,
				Note: "total minus attention and MLP"},
		)
	}
	return recs, nil
}
