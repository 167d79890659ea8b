package vae

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// Config is the part of the demo checkpoint's config (the "config" entry of
// the safetensors __metadata__) that the VAEs and the lockstep decoder use.
type Config struct {
	FPS        float64     `json:"fps"`         // video frames per second
	SampleRate int         `json:"sample_rate"` // audio samples per second
	Video      VideoConfig `json:"video_vae"`
	Audio      AudioConfig `json:"audio_vae"`
}

// VideoConfig describes the video VAE.
type VideoConfig struct {
	ZChannels      int       `json:"z_channels"`      // latent channels (16)
	TemporalFactor int       `json:"temporal_factor"` // frames per latent frame after the first (4)
	SpatialFactor  int       `json:"spatial_factor"`  // pixels per latent pixel (8)
	Channels       []int     `json:"channels"`        // widths from the pixel end: [32, 64, 128]
	LatentMean     []float32 `json:"latent_mean"`     // [ZChannels]
	LatentStd      []float32 `json:"latent_std"`      // [ZChannels]
}

// AudioConfig describes the audio VAE.
type AudioConfig struct {
	ZChannels   int       `json:"z_channels"`   // latent channels (8)
	Hop         int       `json:"hop"`          // samples per latent token (640)
	LatentRate  float64   `json:"latent_rate"`  // tokens per second (25)
	EncChannels []int     `json:"enc_channels"` // encoder widths [32, 64, 128]
	EncStrides  []int     `json:"enc_strides"`  // encoder downsampling [4, 5, 4]
	DecChannels []int     `json:"dec_channels"` // decoder widths [128, 96, 64, 32]
	DecFactors  []int     `json:"dec_factors"`  // decoder upsampling [4, 5, 4]
	PhaseFactor int       `json:"phase_factor"` // samples folded into channels at the ends (8)
	LatentMean  []float32 `json:"latent_mean"`  // [ZChannels]
	LatentStd   []float32 `json:"latent_std"`   // [ZChannels]
}

// ParseConfig reads the VAE part of a checkpoint config from its
// __metadata__ (key "config") and validates it.
func ParseConfig(metadata map[string]string) (Config, error) {
	raw, ok := metadata["config"]
	if !ok {
		return Config{}, errors.New("vae config: checkpoint metadata has no \"config\" entry")
	}
	var c Config
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return Config{}, fmt.Errorf("vae config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("vae config: %w", err)
	}
	return c, nil
}

// Validate checks the sizes the decoders rely on.
func (c Config) Validate() error {
	if !(c.FPS > 0) || c.SampleRate <= 0 {
		return fmt.Errorf("fps %g and sample_rate %d must be positive", c.FPS, c.SampleRate)
	}
	if err := c.Video.Validate(); err != nil {
		return err
	}
	return c.Audio.Validate()
}

// Validate checks the video VAE sizes.
func (v VideoConfig) Validate() error {
	switch {
	case v.ZChannels <= 0:
		return fmt.Errorf("video_vae: z_channels %d", v.ZChannels)
	case len(v.Channels) != 3 || !positive(v.Channels):
		return fmt.Errorf("video_vae: channels %v, want 3 positive widths", v.Channels)
	case v.TemporalFactor != 4 || v.SpatialFactor != 8:
		return fmt.Errorf("video_vae: factors (time %d, space %d), this architecture has (4, 8)", v.TemporalFactor, v.SpatialFactor)
	case len(v.LatentMean) != v.ZChannels || len(v.LatentStd) != v.ZChannels:
		return fmt.Errorf("video_vae: latent_mean/std have %d/%d entries, want %d", len(v.LatentMean), len(v.LatentStd), v.ZChannels)
	}
	return nil
}

// Validate checks the audio VAE sizes.
func (a AudioConfig) Validate() error {
	prod := func(v []int) int {
		p := 1
		for _, x := range v {
			p *= x
		}
		return p
	}
	switch {
	case a.ZChannels <= 0 || a.PhaseFactor <= 0:
		return fmt.Errorf("audio_vae: z_channels %d, phase_factor %d", a.ZChannels, a.PhaseFactor)
	case len(a.DecChannels) != len(a.DecFactors)+1 || !positive(a.DecChannels) || !positive(a.DecFactors):
		return fmt.Errorf("audio_vae: dec_channels %v and dec_factors %v", a.DecChannels, a.DecFactors)
	case len(a.EncChannels) != len(a.EncStrides) || !positive(a.EncChannels) || !positive(a.EncStrides):
		return fmt.Errorf("audio_vae: enc_channels %v and enc_strides %v", a.EncChannels, a.EncStrides)
	case prod(a.DecFactors)*a.PhaseFactor != a.Hop || prod(a.EncStrides)*a.PhaseFactor != a.Hop:
		return fmt.Errorf("audio_vae: factors %v, strides %v and phase %d do not multiply to hop %d",
			a.DecFactors, a.EncStrides, a.PhaseFactor, a.Hop)
	case len(a.LatentMean) != a.ZChannels || len(a.LatentStd) != a.ZChannels:
		return fmt.Errorf("audio_vae: latent_mean/std have %d/%d entries, want %d", len(a.LatentMean), len(a.LatentStd), a.ZChannels)
	}
	return nil
}

func positive(v []int) bool {
	for _, x := range v {
		if x <= 0 {
			return false
		}
	}
	return len(v) > 0
}

// Samples is the number of audio samples of a clip of frames video frames:
// round(frames/fps·sample_rate), with Python's round-half-to-even as in
// the reference (train/demo_model.py latent_shapes).
func (c Config) Samples(frames int) int {
	return int(math.RoundToEven(float64(frames) / c.FPS * float64(c.SampleRate)))
}

// Frames is the number of video frames decoded from latentFrames latent
// frames: 1 + 4·(latentFrames-1), and 0 for none.
func (v VideoConfig) Frames(latentFrames int) int {
	if latentFrames <= 0 {
		return 0
	}
	return 1 + v.TemporalFactor*(latentFrames-1)
}

// Tokens is the number of audio latent tokens that cover samples samples:
// ceil(samples/hop).
func (a AudioConfig) Tokens(samples int) int {
	return (samples + a.Hop - 1) / a.Hop
}
