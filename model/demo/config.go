package demo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/lockstep-av/lockstep/nn"
	"github.com/lockstep-av/lockstep/weights"
)

// Format is the checkpoint format string in the safetensors metadata
// ("format").
const Format = "lockstep-demo-av/1"

// ModelName is the config's "model" value for this family.
const ModelName = "lockstep-demo-av"

// Special tokens of the vocabulary.
const (
	PadToken = "<pad>" // id 0, pads batched captions
	BOSToken = "<bos>" // starts every caption; alone it is the null caption
)

// Config is the model config JSON stored in a checkpoint's __metadata__
// under "config" (SPEC.md, "config JSON"). Every size of the model is
// derived from it.
type Config struct {
	Model      string   `json:"model"`       // ModelName
	Version    int      `json:"version"`     // 1
	FPS        int      `json:"fps"`         // video frames per second
	SampleRate int      `json:"sample_rate"` // audio samples per second
	Vocabulary []string `json:"vocabulary"`  // token id = index

	Text     TextConfig     `json:"text"`
	DiT      DiTConfig      `json:"dit"`
	VideoVAE VideoVAEConfig `json:"video_vae"`
	AudioVAE AudioVAEConfig `json:"audio_vae"`
	Sampling SamplingConfig `json:"sampling"`
}

// TextConfig sizes the text encoder.
type TextConfig struct {
	Dim       int     `json:"dim"`        // model width
	Layers    int     `json:"layers"`     // transformer layers
	Heads     int     `json:"heads"`      // attention heads
	FFNDim    int     `json:"ffn_dim"`    // feed-forward hidden width
	MaxTokens int     `json:"max_tokens"` // position table length, <bos> included
	Eps       float64 `json:"eps"`        // LayerNorm epsilon
}

// DiTConfig sizes the AV-DiT.
type DiTConfig struct {
	Dim               int     `json:"dim"`                 // token width D
	Heads             int     `json:"heads"`               // attention heads (head dim D/heads)
	Layers            int     `json:"layers"`              // blocks
	FFNDim            int     `json:"ffn_dim"`             // feed-forward hidden width
	FreqDim           int     `json:"freq_dim"`            // sinusoidal timestep embedding width
	Patch             []int   `json:"patch"`               // video patch (time, height, width)
	Eps               float64 `json:"eps"`                 // LayerNorm / q-k RMSNorm epsilon
	RoPETheta         float64 `json:"rope_theta"`          // RoPE frequency base
	AudioTimeStep     float64 `json:"audio_time_step"`     // audio token spacing in latent frames
	NumTrainTimesteps float64 `json:"num_train_timesteps"` // timestep = this × sigma
	TextPool          bool    `json:"text_pool"`           // add the pooled caption (dit.text_pool) to the time embeddings; absent = false
}

// HeadDim is the attention head width Dim/Heads.
func (d DiTConfig) HeadDim() int { return d.Dim / d.Heads }

// VideoVAEConfig describes the video VAE (bound by package vae).
type VideoVAEConfig struct {
	ZChannels      int       `json:"z_channels"`
	TemporalFactor int       `json:"temporal_factor"`
	SpatialFactor  int       `json:"spatial_factor"`
	Channels       []int     `json:"channels"`
	LatentMean     []float64 `json:"latent_mean"`
	LatentStd      []float64 `json:"latent_std"`
}

// AudioVAEConfig describes the audio VAE (bound by package vae).
type AudioVAEConfig struct {
	ZChannels   int       `json:"z_channels"`
	Hop         int       `json:"hop"`         // waveform samples per latent token
	LatentRate  int       `json:"latent_rate"` // latent tokens per second
	EncChannels []int     `json:"enc_channels"`
	EncStrides  []int     `json:"enc_strides"`
	DecChannels []int     `json:"dec_channels"`
	DecFactors  []int     `json:"dec_factors"`
	PhaseFactor int       `json:"phase_factor"`
	LatentMean  []float64 `json:"latent_mean"`
	LatentStd   []float64 `json:"latent_std"`
}

// SamplingConfig holds the default sampling settings.
type SamplingConfig struct {
	Steps    int     `json:"steps"`
	Shift    float64 `json:"shift"`
	CFGVideo float64 `json:"cfg_video"`
	CFGAudio float64 `json:"cfg_audio"`
	Frames   int     `json:"frames"`
}

// ParseConfig decodes and validates a config JSON object. Unknown keys are
// an error (a checkpoint of another format version).
func ParseConfig(data []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("demo config: %w", err)
	}
	if dec.More() {
		return nil, errors.New("demo config: trailing data after the JSON object")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// ConfigFromFile reads the config of a checkpoint from its metadata.
func ConfigFromFile(f *weights.File) (*Config, error) {
	md := f.Metadata()
	if fm, ok := md["format"]; ok && fm != Format {
		return nil, fmt.Errorf("checkpoint format %q, want %q", fm, Format)
	}
	js, ok := md["config"]
	if !ok {
		return nil, errors.New(`checkpoint has no "config" in its metadata (not a demo model checkpoint)`)
	}
	return ParseConfig([]byte(js))
}

// ConfigError lists every problem Validate found.
type ConfigError struct {
	Problems []string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("invalid demo config: %d problems: %s", len(e.Problems), strings.Join(e.Problems, "; "))
}

// Validate checks every field and returns a *ConfigError listing all
// problems, or nil.
func (c *Config) Validate() error {
	v := &validator{}
	if c.Model != ModelName {
		v.addf("model is %q, want %q", c.Model, ModelName)
	}
	if c.Version != 1 {
		v.addf("version is %d, want 1", c.Version)
	}
	v.positive("fps", c.FPS)
	v.positive("sample_rate", c.SampleRate)
	c.validateVocabulary(v)

	t := c.Text
	v.positive("text.dim", t.Dim)
	v.positive("text.layers", t.Layers)
	v.positive("text.heads", t.Heads)
	v.positive("text.ffn_dim", t.FFNDim)
	v.positive("text.max_tokens", t.MaxTokens)
	v.eps("text.eps", t.Eps)
	if t.Dim > 0 && t.Heads > 0 && t.Dim%t.Heads != 0 {
		v.addf("text.heads (%d) does not divide text.dim (%d)", t.Heads, t.Dim)
	}

	d := c.DiT
	v.positive("dit.dim", d.Dim)
	v.positive("dit.heads", d.Heads)
	v.positive("dit.layers", d.Layers)
	v.positive("dit.ffn_dim", d.FFNDim)
	v.positive("dit.freq_dim", d.FreqDim)
	if d.FreqDim > 0 && d.FreqDim%2 != 0 {
		v.addf("dit.freq_dim (%d) must be even", d.FreqDim)
	}
	if d.Dim > 0 && d.Heads > 0 {
		if d.Dim%d.Heads != 0 {
			v.addf("dit.heads (%d) does not divide dit.dim (%d)", d.Heads, d.Dim)
		} else {
			hd := d.HeadDim()
			for i, a := range nn.AxisDims3D(hd) {
				if a <= 0 || a%2 != 0 {
					v.addf("dit head dim %d splits into RoPE axes %v; axis %d must be even and positive", hd, nn.AxisDims3D(hd), i)
					break
				}
			}
		}
	}
	if len(d.Patch) != 3 {
		v.addf("dit.patch has %d entries, want 3 (time, height, width)", len(d.Patch))
	} else {
		for i, p := range d.Patch {
			if p <= 0 {
				v.addf("dit.patch[%d] is %d, must be positive", i, p)
			}
		}
	}
	v.eps("dit.eps", d.Eps)
	v.positiveFloat("dit.rope_theta", d.RoPETheta)
	v.positiveFloat("dit.audio_time_step", d.AudioTimeStep)
	v.positiveFloat("dit.num_train_timesteps", d.NumTrainTimesteps)

	c.validateVAEs(v)

	s := c.Sampling
	v.positive("sampling.steps", s.Steps)
	v.positiveFloat("sampling.shift", s.Shift)
	v.finiteNonNegative("sampling.cfg_video", s.CFGVideo)
	v.finiteNonNegative("sampling.cfg_audio", s.CFGAudio)
	v.positive("sampling.frames", s.Frames)
	if tf := c.VideoVAE.TemporalFactor; s.Frames > 0 && tf > 0 && (s.Frames-1)%tf != 0 {
		v.addf("sampling.frames (%d) is not 1 + %d·n", s.Frames, tf)
	}
	if len(v.problems) > 0 {
		return &ConfigError{Problems: v.problems}
	}
	return nil
}

func (c *Config) validateVocabulary(v *validator) {
	if len(c.Vocabulary) == 0 {
		v.addf("vocabulary is empty")
		return
	}
	if c.Vocabulary[0] != PadToken {
		v.addf("vocabulary[0] is %q, want %q", c.Vocabulary[0], PadToken)
	}
	seen := map[string]int{}
	hasBOS := false
	for i, w := range c.Vocabulary {
		if j, dup := seen[w]; dup {
			v.addf("vocabulary[%d] %q repeats vocabulary[%d]", i, w, j)
			continue
		}
		seen[w] = i
		switch {
		case w == BOSToken:
			hasBOS = true
		case w == PadToken:
		case w == "":
			v.addf("vocabulary[%d] is empty", i)
		case strings.ToLower(w) != w || len(Words(w)) != 1 || Words(w)[0] != w:
			v.addf("vocabulary[%d] %q can never be a token (tokens are lower-case and hold no space, comma or full stop)", i, w)
		}
	}
	if !hasBOS {
		v.addf("vocabulary has no %q", BOSToken)
	}
}

func (c *Config) validateVAEs(v *validator) {
	vv := c.VideoVAE
	v.positive("video_vae.z_channels", vv.ZChannels)
	v.positive("video_vae.temporal_factor", vv.TemporalFactor)
	v.positive("video_vae.spatial_factor", vv.SpatialFactor)
	v.positiveList("video_vae.channels", vv.Channels, 3)
	v.stats("video_vae", vv.ZChannels, vv.LatentMean, vv.LatentStd)

	a := c.AudioVAE
	v.positive("audio_vae.z_channels", a.ZChannels)
	v.positive("audio_vae.hop", a.Hop)
	v.positive("audio_vae.latent_rate", a.LatentRate)
	v.positive("audio_vae.phase_factor", a.PhaseFactor)
	v.positiveList("audio_vae.enc_channels", a.EncChannels, len(a.EncStrides))
	v.positiveList("audio_vae.enc_strides", a.EncStrides, -1)
	v.positiveList("audio_vae.dec_channels", a.DecChannels, len(a.DecFactors)+1)
	v.positiveList("audio_vae.dec_factors", a.DecFactors, -1)
	v.stats("audio_vae", a.ZChannels, a.LatentMean, a.LatentStd)
	if a.Hop > 0 && a.LatentRate > 0 && c.SampleRate > 0 && a.Hop*a.LatentRate != c.SampleRate {
		v.addf("audio_vae.hop × latent_rate = %d × %d ≠ sample_rate %d", a.Hop, a.LatentRate, c.SampleRate)
	}
	if a.PhaseFactor > 0 && a.Hop > 0 {
		if p := product(a.EncStrides) * a.PhaseFactor; len(a.EncStrides) > 0 && p != a.Hop {
			v.addf("audio_vae.enc_strides %v × phase_factor %d = %d ≠ hop %d", a.EncStrides, a.PhaseFactor, p, a.Hop)
		}
		if p := product(a.DecFactors) * a.PhaseFactor; len(a.DecFactors) > 0 && p != a.Hop {
			v.addf("audio_vae.dec_factors %v × phase_factor %d = %d ≠ hop %d", a.DecFactors, a.PhaseFactor, p, a.Hop)
		}
	}
}

func product(xs []int) int {
	p := 1
	for _, x := range xs {
		p *= x
	}
	return p
}

// validator collects problems.
type validator struct{ problems []string }

func (v *validator) addf(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func (v *validator) positive(name string, x int) {
	if x <= 0 {
		v.addf("%s is %d, must be positive", name, x)
	}
}

func (v *validator) positiveFloat(name string, x float64) {
	if !(x > 0) || math.IsInf(x, 0) {
		v.addf("%s is %g, must be positive and finite", name, x)
	}
}

func (v *validator) finiteNonNegative(name string, x float64) {
	if !(x >= 0) || math.IsInf(x, 0) {
		v.addf("%s is %g, must be finite and ≥ 0", name, x)
	}
}

func (v *validator) eps(name string, x float64) {
	if !(x > 0 && x < 1) {
		v.addf("%s is %g, must lie in (0, 1)", name, x)
	}
}

// positiveList checks that every entry is positive and, for n ≥ 0, that
// there are n entries.
func (v *validator) positiveList(name string, xs []int, n int) {
	if n >= 0 && len(xs) != n {
		v.addf("%s has %d entries, want %d", name, len(xs), n)
	}
	if n < 0 && len(xs) == 0 {
		v.addf("%s is empty", name)
	}
	for i, x := range xs {
		if x <= 0 {
			v.addf("%s[%d] is %d, must be positive", name, i, x)
		}
	}
}

// stats checks the per-channel latent normalisation of a VAE.
func (v *validator) stats(prefix string, z int, mean, std []float64) {
	if len(mean) != z {
		v.addf("%s.latent_mean has %d entries, want z_channels = %d", prefix, len(mean), z)
	}
	if len(std) != z {
		v.addf("%s.latent_std has %d entries, want z_channels = %d", prefix, len(std), z)
	}
	for i, m := range mean {
		if math.IsNaN(m) || math.IsInf(m, 0) {
			v.addf("%s.latent_mean[%d] is %g", prefix, i, m)
		}
	}
	for i, s := range std {
		if !(s > 0) || math.IsInf(s, 0) {
			v.addf("%s.latent_std[%d] is %g, must be positive", prefix, i, s)
		}
	}
}

// LatentShape gives the latent sizes of a clip of frames frames (1 + n·
// temporal_factor) of height×width pixels (multiples of spatial_factor
// times the DiT patch): the video latent [z_channels, f, h, w], the audio
// latent length T = ⌈N/hop⌉ and the audio sample count
// N = round(frames/fps·sample_rate) (half to even, as Python's round).
func (c *Config) LatentShape(frames, height, width int) (video [4]int, audioTokens, audioSamples int, err error) {
	v := c.VideoVAE
	tf, sf := v.TemporalFactor, v.SpatialFactor
	ph, pw := sf*c.DiT.Patch[1], sf*c.DiT.Patch[2]
	var bad []string
	if frames < 1 || (frames-1)%tf != 0 {
		bad = append(bad, fmt.Sprintf("%d frames is not 1 + %d·n", frames, tf))
	} else if f := 1 + (frames-1)/tf; f%c.DiT.Patch[0] != 0 {
		bad = append(bad, fmt.Sprintf("%d latent frames is not a multiple of the patch %d", f, c.DiT.Patch[0]))
	}
	if height <= 0 || height%ph != 0 || width <= 0 || width%pw != 0 {
		bad = append(bad, fmt.Sprintf("size %dx%d is not a positive multiple of %dx%d", width, height, pw, ph))
	}
	if len(bad) > 0 {
		return video, 0, 0, fmt.Errorf("clip shape: %s", strings.Join(bad, "; "))
	}
	n := int(math.RoundToEven(float64(frames) / float64(c.FPS) * float64(c.SampleRate)))
	hop := c.AudioVAE.Hop
	return [4]int{v.ZChannels, 1 + (frames-1)/tf, height / sf, width / sf}, (n + hop - 1) / hop, n, nil
}
