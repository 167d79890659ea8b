package diffusion

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/lockstep-av/lockstep/weights"
)

// Latents are a clip's normalised latents in host memory: video
// [1, C, f, h, w] and audio [1, C, T], row-major.
type Latents struct {
	Video      []float32
	VideoShape []int
	Audio      []float32
	AudioShape []int
}

// Clone returns a deep copy of l.
func (l *Latents) Clone() *Latents {
	return &Latents{slices.Clone(l.Video), slices.Clone(l.VideoShape), slices.Clone(l.Audio), slices.Clone(l.AudioShape)}
}

// firstNonFinite returns the index of the first NaN or ±Inf in x, or -1.
func firstNonFinite(x []float32) int {
	for i, v := range x {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return i
		}
	}
	return -1
}

// checkFinite returns an error naming the first non-finite value of l.
func (l *Latents) checkFinite(what string) error {
	if i := firstNonFinite(l.Video); i >= 0 {
		return fmt.Errorf("%s: video value %d of %d is %g", what, i, len(l.Video), l.Video[i])
	}
	if i := firstNonFinite(l.Audio); i >= 0 {
		return fmt.Errorf("%s: audio value %d of %d is %g", what, i, len(l.Audio), l.Audio[i])
	}
	return nil
}

// Settings records how a clip was made: every option after validation,
// the clip's sizes and the model. It is stored with saved latents and in
// the JSON sidecar of a clip.
type Settings struct {
	Prompt         string  `json:"prompt"`
	NegativePrompt string  `json:"negative_prompt,omitempty"`
	Seed           uint64  `json:"seed"`
	Steps          int     `json:"steps"`
	CFGVideo       float64 `json:"cfg_video"`
	CFGAudio       float64 `json:"cfg_audio"`
	Rescale        float64 `json:"cfg_rescale"`
	Shift          float64 `json:"shift"`
	Solver         string  `json:"solver"`
	// ModelEvaluations is the number of denoiser evaluations (per
	// guidance pass) the solver made.
	ModelEvaluations int     `json:"model_evaluations"`
	Frames           int     `json:"frames"`
	Width            int     `json:"width"`
	Height           int     `json:"height"`
	FPS              int     `json:"fps"`
	SampleRate       int     `json:"sample_rate"`
	Samples          int     `json:"samples"`
	Duration         float64 `json:"duration_s"`
	// NoiseOverride is true when the initial noise was given, not seeded.
	NoiseOverride bool   `json:"noise_override,omitempty"`
	Model         string `json:"model"`      // checkpoint name
	ModelHash     string `json:"model_hash"` // "sha256:" + hex of the checkpoint bytes
}

// LatentsFormat is the "format" metadata of a latents file.
const LatentsFormat = "lockstep-latents/1"

// Tensor names and metadata key of a latents file.
const (
	videoTensor = "latents.video"
	audioTensor = "latents.audio"
	settingsKey = "settings"
)

// SaveLatents writes l and the settings that made it to path as
// safetensors (F32 tensors "latents.video" and "latents.audio";
// metadata "format" = LatentsFormat and "settings" = the JSON Settings).
func SaveLatents(path string, l *Latents, s Settings) error {
	js, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("save latents %s: %w", path, err)
	}
	var w weights.Writer
	w.AddF32(videoTensor, l.VideoShape, l.Video)
	w.AddF32(audioTensor, l.AudioShape, l.Audio)
	w.SetMetadata("format", LatentsFormat)
	w.SetMetadata(settingsKey, string(js))
	if err := w.WriteFile(path); err != nil {
		return fmt.Errorf("save latents %s: %w", path, err)
	}
	return nil
}

// LoadLatents reads a file written by SaveLatents.
func LoadLatents(path string) (*Latents, Settings, error) {
	var s Settings
	f, err := weights.Open(path)
	if err != nil {
		return nil, s, fmt.Errorf("load latents: %w", err)
	}
	defer f.Close()
	md := f.Metadata()
	if md["format"] != LatentsFormat {
		return nil, s, fmt.Errorf("load latents %s: format %q, want %q (not a file of lockstep generate --save-latents)", path, md["format"], LatentsFormat)
	}
	if err := json.Unmarshal([]byte(md[settingsKey]), &s); err != nil {
		return nil, s, fmt.Errorf("load latents %s: settings: %w", path, err)
	}
	l := &Latents{}
	if l.Video, l.VideoShape, err = f.Float32(videoTensor); err != nil {
		return nil, s, fmt.Errorf("load latents %s: %w", path, err)
	}
	if l.Audio, l.AudioShape, err = f.Float32(audioTensor); err != nil {
		return nil, s, fmt.Errorf("load latents %s: %w", path, err)
	}
	if len(l.VideoShape) != 5 || len(l.AudioShape) != 3 || l.VideoShape[0] != 1 || l.AudioShape[0] != 1 {
		return nil, s, fmt.Errorf("load latents %s: shapes %v and %v, want [1, C, f, h, w] and [1, C, T]", path, l.VideoShape, l.AudioShape)
	}
	return l, s, nil
}
