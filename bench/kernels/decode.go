package kernels

import (
	"fmt"
	"math/rand/v2"

	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/vae"
	"github.com/lockstep-av/lockstep/weights"
)

// DecodeLatentFrames and DecodeAudioTokens size the decode benchmark: the
// default clip, latent 16×7×8×8 → 25 frames of 64×64 (2.08 s at 12 fps),
// and 53 audio tokens → 33920 samples (2.12 s at 16 kHz).
const (
	DecodeLatentFrames = 7
	DecodeLatentSize   = 8
	DecodeAudioTokens  = 53
)

// Decode times the whole-clip video and audio decoders of the checkpoint
// f; OutputSPS is seconds of output per second of wall time.
func Decode(f *weights.File, threads int, t Timing) ([]Record, error) {
	be := cpu.New(threads)
	m, err := vae.Load(f, be, "")
	if err != nil {
		return nil, fmt.Errorf("bench decode: %w", err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	zc, n := m.Config.Video.ZChannels, DecodeLatentSize
	zv, err := be.FromFloat32(randn(rng, zc*DecodeLatentFrames*n*n, 1), 1, zc, DecodeLatentFrames, n, n)
	if err != nil {
		return nil, err
	}
	ac := m.Config.Audio.ZChannels
	za, err := be.FromFloat32(randn(rng, ac*DecodeAudioTokens, 1), 1, ac, DecodeAudioTokens)
	if err != nil {
		return nil, err
	}
	ctx := be.NewContext()
	frames := m.Config.Video.Frames(DecodeLatentFrames)
	vmed, vmin, vruns := measure(t, func() {
		m.Video.Decoder.Decode(ctx, zv)
		ctx.Reset()
	})
	amed, amin, aruns := measure(t, func() {
		m.Audio.Decoder.Decode(ctx, za)
		ctx.Reset()
	})
	vsec := float64(frames) / m.Config.FPS
	asec := float64(DecodeAudioTokens*m.Config.Audio.Hop) / float64(m.Config.SampleRate)
	return []Record{
		{Name: "decode_video", Shape: fmt.Sprintf("%dx%dx%d", frames, 8*n, 8*n), Threads: threads, MedianMS: vmed, MinMS: vmin, Runs: vruns,
			OutputSPS: vsec / (vmed / 1e3), Note: fmt.Sprintf("latent %dx%dx%dx%d, %.2f s of video", zc, DecodeLatentFrames, n, n, vsec)},
		{Name: "decode_audio", Shape: fmt.Sprintf("%d", DecodeAudioTokens*m.Config.Audio.Hop), Threads: threads, MedianMS: amed, MinMS: amin, Runs: aruns,
			OutputSPS: asec / (amed / 1e3), Note: fmt.Sprintf("%d latent tokens, %.2f s of audio", DecodeAudioTokens, asec)},
	}, nil
}
