package scheduler

import (
	"fmt"
	"math"
)

// BetaSchedule names a discrete variance-preserving beta schedule.
type BetaSchedule string

// The beta schedules of diffusers.
const (
	// BetaLinear: beta_i evenly spaced from BetaStart to BetaEnd.
	BetaLinear BetaSchedule = "linear"
	// BetaScaledLinear: sqrt(beta_i) evenly spaced (Stable Diffusion).
	BetaScaledLinear BetaSchedule = "scaled_linear"
	// BetaCosine: the cosine schedule of Nichol & Dhariwal,
	// alphabar(t) = cos((t+0.008)/1.008 * pi/2)^2, betas capped at 0.999
	// (diffusers' "squaredcos_cap_v2").
	BetaCosine BetaSchedule = "squaredcos_cap_v2"
)

// VPConfig describes a discrete VP training schedule.
type VPConfig struct {
	NumTrainTimesteps int          // default 1000
	BetaStart         float64      // default 0.0001
	BetaEnd           float64      // default 0.02
	Schedule          BetaSchedule // default BetaLinear
	// TrainedBetas, when set, replaces the schedule (float32-rounded).
	TrainedBetas []float64
	// RescaleZeroSNR rescales the betas to zero terminal SNR (Lin et al.
	// 2023) and sets the last alphas_cumprod to 2^-24 like diffusers.
	RescaleZeroSNR bool
}

func (c VPConfig) withDefaults() VPConfig {
	if c.NumTrainTimesteps == 0 {
		c.NumTrainTimesteps = 1000
	}
	if c.BetaStart == 0 && c.BetaEnd == 0 {
		c.BetaStart, c.BetaEnd = 0.0001, 0.02
	}
	if c.Schedule == "" {
		c.Schedule = BetaLinear
	}
	return c
}

// VP is a discrete variance-preserving schedule: x_t = sqrt(ab_t)*x0 +
// sqrt(1-ab_t)*eps for t = 0..N-1. All values are float32 numbers (as
// diffusers stores them) held in float64.
type VP struct {
	Betas         []float64
	AlphasCumprod []float64
}

// NewVP builds the betas and their cumulative alpha product. The cumulative
// product is accumulated in float64 and rounded to float32 per element, as
// torch.cumprod does on the CPU for float32 input.
func NewVP(c VPConfig) (*VP, error) {
	c = c.withDefaults()
	n := c.NumTrainTimesteps
	var betas []float64
	switch {
	case c.TrainedBetas != nil:
		betas = make([]float64, len(c.TrainedBetas))
		for i, b := range c.TrainedBetas {
			betas[i] = f32(b)
		}
	case c.Schedule == BetaLinear:
		betas = linspace32(c.BetaStart, c.BetaEnd, n)
	case c.Schedule == BetaScaledLinear:
		betas = linspace32(math.Sqrt(c.BetaStart), math.Sqrt(c.BetaEnd), n)
		for i, b := range betas {
			betas[i] = f32(b * b)
		}
	case c.Schedule == BetaCosine:
		betas = CosineBetas(n, 0.999)
	default:
		return nil, fmt.Errorf("scheduler: unknown beta schedule %q", c.Schedule)
	}
	if c.RescaleZeroSNR {
		betas = rescaleZeroSNR(betas)
	}
	ac := make([]float64, len(betas))
	acc := 1.0
	for i, b := range betas {
		acc *= float64(float32(1) - float32(b))
		ac[i] = f32(acc)
	}
	if c.RescaleZeroSNR {
		ac[len(ac)-1] = math.Pow(2, -24)
	}
	return &VP{Betas: betas, AlphasCumprod: ac}, nil
}

// CosineBetas is diffusers' betas_for_alpha_bar with the cosine transform:
// beta_i = min(1 - abar((i+1)/n)/abar(i/n), maxBeta), computed in float64 and
// rounded to float32.
func CosineBetas(n int, maxBeta float64) []float64 {
	abar := func(t float64) float64 {
		c := math.Cos((t + 0.008) / 1.008 * math.Pi / 2)
		return c * c
	}
	out := make([]float64, n)
	for i := range out {
		t1 := float64(i) / float64(n)
		t2 := float64(i+1) / float64(n)
		out[i] = f32(math.Min(1-abar(t2)/abar(t1), maxBeta))
	}
	return out
}

// rescaleZeroSNR is diffusers' rescale_zero_terminal_snr in float32.
func rescaleZeroSNR(betas []float64) []float64 {
	n := len(betas)
	sq := make([]float32, n)
	acc := 1.0
	for i, b := range betas {
		acc *= float64(float32(1) - float32(b))
		sq[i] = float32(math.Sqrt(float64(float32(acc))))
	}
	s0, sT := sq[0], sq[n-1]
	scale := s0 / (s0 - sT)
	ab := make([]float32, n)
	for i := range sq {
		v := (sq[i] - sT) * scale
		ab[i] = v * v
	}
	out := make([]float64, n)
	out[0] = float64(1 - ab[0])
	for i := 1; i < n; i++ {
		out[i] = float64(1 - ab[i]/ab[i-1])
	}
	return out
}

// Sigmas returns the VE-equivalent noise levels sigma_t = sqrt((1-ab_t)/ab_t)
// for t = 0..N-1 (ascending), in float32 like diffusers.
func (v *VP) Sigmas() []float64 {
	out := make([]float64, len(v.AlphasCumprod))
	for i, a := range v.AlphasCumprod {
		af := float32(a)
		out[i] = float64(float32(math.Sqrt(float64((1 - af) / af))))
	}
	return out
}
