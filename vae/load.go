package vae

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/weights"
)

// VideoVAE is the demo model's video VAE with its config.
type VideoVAE struct {
	Config  VideoConfig
	Encoder *VideoEncoder `weight:"encoder"`
	Decoder *VideoDecoder `weight:"decoder"`
}

// AudioVAE is the demo model's audio VAE with its config.
type AudioVAE struct {
	Config  AudioConfig
	Encoder *AudioEncoder `weight:"encoder"`
	Decoder *AudioDecoder `weight:"decoder"`
}

// Model holds both VAEs of a checkpoint and the clip rates.
type Model struct {
	Config Config
	Video  *VideoVAE
	Audio  *AudioVAE
}

// Load reads the VAE config from f's metadata and binds both VAEs. prefix
// is put before the checkpoint names ("" for a demo checkpoint, whose
// tensors are "video_vae.…" and "audio_vae.…").
func Load(f *weights.File, b backend.Backend, prefix string) (*Model, error) {
	cfg, err := ParseConfig(f.Metadata())
	if err != nil {
		return nil, err
	}
	v, err := LoadVideo(f, b, cfg.Video, prefix+"video_vae.")
	if err != nil {
		return nil, err
	}
	a, err := LoadAudio(f, b, cfg.Audio, prefix+"audio_vae.")
	if err != nil {
		return nil, err
	}
	return &Model{Config: cfg, Video: v, Audio: a}, nil
}

// LoadVideo binds the video VAE's tensors prefix+"encoder.…" and
// prefix+"decoder.…" and checks every shape against cfg. Tensors under
// prefix that the VAE does not use are an error.
func LoadVideo(f *weights.File, b backend.Backend, cfg VideoConfig, prefix string) (*VideoVAE, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	v := &VideoVAE{Config: cfg, Encoder: newVideoEncoder(), Decoder: newVideoDecoder()}
	if err := weights.Bind(f, b, v, weights.BindOptions{Prefix: prefix, ReportUnused: true}); err != nil {
		return nil, fmt.Errorf("load video VAE (%s): %w", prefix, err)
	}
	var sc shapeChecker
	v.Encoder.check(&sc, cfg)
	v.Decoder.check(&sc, cfg)
	if err := sc.err("load video VAE (" + prefix + ")"); err != nil {
		return nil, err
	}
	return v, nil
}

// LoadAudio binds the audio VAE's tensors prefix+"encoder.…" and
// prefix+"decoder.…" and checks every shape against cfg.
func LoadAudio(f *weights.File, b backend.Backend, cfg AudioConfig, prefix string) (*AudioVAE, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &AudioVAE{Config: cfg, Encoder: newAudioEncoder(cfg), Decoder: newAudioDecoder(cfg)}
	if err := weights.Bind(f, b, a, weights.BindOptions{Prefix: prefix, ReportUnused: true}); err != nil {
		return nil, fmt.Errorf("load audio VAE (%s): %w", prefix, err)
	}
	var sc shapeChecker
	a.Encoder.check(&sc, cfg)
	a.Decoder.check(&sc, cfg)
	if err := sc.err("load audio VAE (" + prefix + ")"); err != nil {
		return nil, err
	}
	return a, nil
}
