package schedbench

import (
	"github.com/lockstep-av/lockstep/scheduler"
)

// Part is a named slice [Start, End) of a model's flat latent vector, such
// as the video or the audio latents of the demo model.
type Part struct {
	Name       string
	Start, End int
}

// Model is a flow-matching model the harness of RunModel samples: its
// latents are one flat float64 vector (the concatenation of its Parts) and
// it predicts the velocity of x = (1-s)·x0 + s·ε. Both the demo model
// (NewDemo) and the analytic gmm (GMMFlow) implement it, so one harness
// measures both.
type Model interface {
	// Name identifies the model in records ("demo", a checkpoint name,
	// "gmm-flow").
	Name() string
	// Parts lists the modalities of the latent vector in order; they cover
	// it without gaps.
	Parts() []Part
	// Shift is the flow schedule shift of the "normal" schedule (the
	// checkpoint's sampling default).
	Shift() float64
	// Seed returns the unit initial noise of seed (the whole latent
	// vector), the velocity model sampled from it (for the demo model: its
	// caption's text conditions and classifier-free guidance) and a label
	// of the condition (the caption; "" if none). The model is called with
	// Cond.Alpha = 1-s, Cond.Sigma = s and writes the velocity into out.
	Seed(seed uint64) (noise []float64, v scheduler.Model[[]float64], label string, err error)
}

// Decoder is implemented by models whose latents decode to signals (the
// demo model's VAEs). Decode returns, per name, the decoded values of the
// latent vector x (video pixels and audio samples in [-1, 1]).
type Decoder interface {
	Decode(x []float64) (map[string][]float64, error)
}
