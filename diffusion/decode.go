package diffusion

import (
	"context"
	"fmt"
	"image"
	"time"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/vae"
)

// DecodeStats reports a Decode: what the lockstep decoder emitted and how
// long decoding and the sink took.
type DecodeStats struct {
	vae.LockstepStats
	Decode, Mux time.Duration
}

// Decode turns latents into frames and audio with the lockstep decoder
// (one latent frame per window) and hands every window to sink, such as a
// media.Writer's WriteWindow. Memory stays bounded by one window.
func (p *Pipeline) Decode(ctx context.Context, l *Latents, sink vae.Sink) (st DecodeStats, err error) {
	defer backend.Recover(&err, "diffusion: decode")
	b := p.Backend
	zv, err := b.FromFloat32(l.Video, l.VideoShape...)
	if err != nil {
		return st, fmt.Errorf("diffusion: decode: %w", err)
	}
	za, err := b.FromFloat32(l.Audio, l.AudioShape...)
	if err != nil {
		return st, fmt.Errorf("diffusion: decode: %w", err)
	}
	start := time.Now()
	timed := func(frames []*image.RGBA, audio []float32) error {
		t := time.Now()
		err := sink(frames, audio)
		st.Mux += time.Since(t)
		return err
	}
	ls, err := vae.NewLockstep(p.VAE).Decode(ctx, b.NewContext(), zv, za, timed)
	st.LockstepStats = ls
	st.Decode = time.Since(start) - st.Mux
	if err != nil {
		return st, fmt.Errorf("diffusion: %w", err)
	}
	return st, nil
}
