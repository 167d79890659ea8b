package demo

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/nn"
	"github.com/lockstep-av/lockstep/weights"
)

// Model is the denoising half of a demo checkpoint: config, tokenizer,
// text encoder and AV-DiT. The VAEs of the same file are loaded by
// package vae.
type Model struct {
	Config    *Config      // the checkpoint's config
	Tokenizer *Tokenizer   // captions to ids
	Text      *TextEncoder `weight:"text"`
	DiT       *DiT         `weight:"dit"`
}

// vaePrefixes are the checkpoint modules that other packages bind.
var vaePrefixes = []string{"video_vae.", "audio_vae."}

// Load reads the config of f and binds the text encoder and the DiT from
// its tensors (names `text.…`, `dit.…`). Every missing, mis-shaped or
// unexpected tensor is reported in one error. Tensors may alias f, which
// must stay open while the model is used.
func Load(b backend.Backend, f *weights.File) (*Model, error) {
	return LoadPrefix(b, f, "")
}

// LoadPrefix is Load for a file whose checkpoint tensors carry an extra
// name prefix (such as "weights." in the golden fixtures).
func LoadPrefix(b backend.Backend, f *weights.File, prefix string) (*Model, error) {
	cfg, err := ConfigFromFile(f)
	if err != nil {
		return nil, err
	}
	m := &Model{
		Config:    cfg,
		Tokenizer: NewTokenizer(cfg),
		Text:      newTextEncoder(cfg),
		DiT:       newDiT(b, cfg),
	}
	// dit.text_pool is bound only when the config has text_pool (its field
	// carries no weight tag), so that the tensors of a checkpoint without
	// the key are reported unused; one Bind call keeps every problem in one
	// error.
	var dst any = m
	if m.DiT.TextPool != nil {
		dst = &struct {
			*Model   `weight:""`
			TextPool *nn.Linear `weight:"dit.text_pool"`
		}{m, m.DiT.TextPool}
	}
	err = weights.Bind(f, b, dst, weights.BindOptions{Prefix: prefix, Dims: cfg.dims(), ReportUnused: true})
	known := map[string]bool{} // tensors the bind error already names
	var be *weights.BindError
	if errors.As(err, &be) {
		// The VAEs are bound elsewhere from the same file.
		be.Unused = slices.DeleteFunc(be.Unused, func(name string) bool {
			for _, p := range vaePrefixes {
				if strings.HasPrefix(name, prefix+p) {
					return true
				}
			}
			return false
		})
		if len(be.Missing)+len(be.Mismatched)+len(be.Unused)+len(be.Invalid) == 0 {
			err = nil
		}
		for _, n := range be.Missing {
			known[strings.TrimPrefix(n, prefix)] = true
		}
		for _, mm := range be.Mismatched {
			known[strings.TrimPrefix(mm.Name, prefix)] = true
		}
	}
	// Check the untagged linears too, so one error lists every problem.
	if problems := m.check(known); len(problems) > 0 {
		cerr := fmt.Errorf("%d tensors do not fit the config: %s", len(problems), strings.Join(problems, "; "))
		if err != nil {
			err = fmt.Errorf("%w; %w", err, cerr)
		} else {
			err = cerr
		}
	}
	if err != nil {
		return nil, fmt.Errorf("load demo model: %w", err)
	}
	return m, nil
}

// dims names the config sizes used in shape tags.
func (c *Config) dims() map[string]int {
	return map[string]int{
		"vocab":           len(c.Vocabulary),
		"text_dim":        c.Text.Dim,
		"text_max_tokens": c.Text.MaxTokens,
		"dim":             c.DiT.Dim,
	}
}

// check verifies every linear and convolution that carries no shape tag
// against the config and returns every mismatch, skipping the tensors in
// known (already reported by Bind).
func (m *Model) check(known map[string]bool) []string {
	c := m.Config
	ck := &shapeChecker{known: known}
	td, tf := c.Text.Dim, c.Text.FFNDim
	for i, l := range m.Text.Layers {
		p := fmt.Sprintf("text.layers.%d.", i)
		ck.attention(p+"attn", &l.Attn, td, td, nn.QKNormNone)
		ck.linear(p+"ffn.0", &l.FFN.Up, tf, td)
		ck.linear(p+"ffn.2", &l.FFN.Down, td, tf)
	}

	d := c.DiT
	D, cv, ca := d.Dim, c.VideoVAE.ZChannels, c.AudioVAE.ZChannels
	t := m.DiT
	ck.tensor("dit.patch_embedding.weight", t.PatchEmbedding.Weight, D, cv, d.Patch[0], d.Patch[1], d.Patch[2])
	ck.tensor("dit.patch_embedding.bias", t.PatchEmbedding.Bias, D)
	ck.linear("dit.audio_embedding", &t.AudioEmbedding, D, ca)
	ck.linear("dit.text_embedding.0", &t.TextEmbedding.Up, D, td)
	ck.linear("dit.text_embedding.2", &t.TextEmbedding.Down, D, D)
	ck.linear("dit.time_embedding.0", &t.TimeEmbedding.Linear1, D, d.FreqDim)
	ck.linear("dit.time_embedding.2", &t.TimeEmbedding.Linear2, D, D)
	ck.linear("dit.time_projection.1", &t.TimeProjection.Linear, 6*D, D)
	if t.TextPool != nil {
		ck.linear("dit.text_pool", t.TextPool, D, D)
	}
	for i, b := range t.Blocks {
		p := fmt.Sprintf("dit.blocks.%d.", i)
		ck.attention(p+"self_attn", &b.SelfAttn, D, D, nn.QKNormFull)
		ck.attention(p+"cross_attn", &b.CrossAttn, D, D, nn.QKNormFull)
		for _, mp := range []struct {
			name string
			ffn  *nn.FeedForward
		}{{"video", &b.Video.FFN}, {"audio", &b.Audio.FFN}} {
			ck.linear(p+mp.name+".ffn.0", &mp.ffn.Up, d.FFNDim, D)
			ck.linear(p+mp.name+".ffn.2", &mp.ffn.Down, D, d.FFNDim)
		}
	}
	ck.linear("dit.head_video.head", &t.HeadVideo.Head, cv*d.Patch[0]*d.Patch[1]*d.Patch[2], D)
	ck.linear("dit.head_audio.head", &t.HeadAudio.Head, ca, D)
	return ck.problems
}

// shapeChecker collects shape mismatches.
type shapeChecker struct {
	known    map[string]bool
	problems []string
}

func (ck *shapeChecker) tensor(name string, t backend.Tensor, want ...int) {
	if ck.known[name] {
		return
	}
	if t == nil {
		ck.problems = append(ck.problems, name+": missing")
		return
	}
	if !slices.Equal(t.Shape(), want) {
		ck.problems = append(ck.problems, fmt.Sprintf("%s: want %v got %v", name, want, t.Shape()))
	}
}

// linear checks a Linear with bias (the demo model's linears all have one).
func (ck *shapeChecker) linear(name string, l *nn.Linear, out, in int) {
	ck.tensor(name+".weight", l.Weight, out, in)
	ck.tensor(name+".bias", l.Bias, out)
}

func (ck *shapeChecker) attention(name string, a *nn.Attention, dim, dimKV int, norm nn.QKNorm) {
	ck.linear(name+".q", &a.Q, dim, dim)
	ck.linear(name+".k", &a.K, dim, dimKV)
	ck.linear(name+".v", &a.V, dim, dimKV)
	ck.linear(name+".o", &a.O, dim, dim)
	if norm == nn.QKNormFull {
		ck.tensor(name+".norm_q.weight", a.NormQ, dim)
		ck.tensor(name+".norm_k.weight", a.NormK, dim)
	} else if a.NormQ != nil || a.NormK != nil {
		ck.problems = append(ck.problems, name+": unexpected q/k norm weights")
	}
}
