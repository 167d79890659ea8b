package nn

import (
	"fmt"
	"math"

	"github.com/lockstep-av/lockstep/backend"
)

// Sinusoidal configures SinusoidalEmbedding. The zero value is diffusers'
// get_timestep_embedding defaults except MaxPeriod 0 meaning 10000.
type Sinusoidal struct {
	// FlipSinToCos puts the cosines first ([cos | sin]); Wan's
	// sinusoidal_embedding_1d is FlipSinToCos with DownscaleFreqShift 0.
	FlipSinToCos bool
	// DownscaleFreqShift is subtracted from dim/2 in the exponent's divisor
	// (diffusers' default is 1; Wan and DiT use 0).
	DownscaleFreqShift float64
	// Scale multiplies the angles (diffusers' scale; 0 means 1).
	Scale float64
	// MaxPeriod is the longest period (0 means 10000).
	MaxPeriod float64
}

// SinusoidalEmbedding returns the sinusoidal embeddings [len(t), dim]
// (row-major) of timesteps t, the convention of diffusers'
// get_timestep_embedding:
//
//	half = ⌊dim/2⌋
//	freq[k] = exp(-ln(MaxPeriod)·k/(half - DownscaleFreqShift)),  k < half
//	angle[i, k] = Scale·t[i]·freq[k]
//	e[i] = [sin(angle[i]) | cos(angle[i])]   ([cos | sin] if FlipSinToCos)
//
// with a zero last column when dim is odd. Angles are computed in float64
// (diffusers uses float32, which differs by up to about |t|·2⁻²⁴ in angle).
func SinusoidalEmbedding(t []float64, dim int, o Sinusoidal) []float32 {
	half := dim / 2
	if half == 0 || float64(half)-o.DownscaleFreqShift <= 0 {
		panic(fmt.Sprintf("nn: sinusoidal embedding of dimension %d with shift %g", dim, o.DownscaleFreqShift))
	}
	maxPeriod, scale := o.MaxPeriod, o.Scale
	if maxPeriod == 0 {
		maxPeriod = 10000
	}
	if scale == 0 {
		scale = 1
	}
	freq := make([]float64, half)
	for k := range freq {
		freq[k] = math.Exp(-math.Log(maxPeriod) * float64(k) / (float64(half) - o.DownscaleFreqShift))
	}
	out := make([]float32, len(t)*dim)
	first, second := 0, half // sin offset, cos offset
	if o.FlipSinToCos {
		first, second = half, 0
	}
	for i, ti := range t {
		row := out[i*dim : (i+1)*dim]
		for k, f := range freq {
			s, c := math.Sincos(scale * ti * f)
			row[first+k], row[second+k] = float32(s), float32(c)
		}
	}
	return out
}

// TimestepEmbedding maps timesteps (noise levels) to a conditioning vector:
// a sinusoidal embedding of FreqDim features followed by the MLP
// Linear2(SiLU(Linear1(e))), bound as Wan's time_embedding
// nn.Sequential(Linear, SiLU, Linear).
type TimestepEmbedding struct {
	Linear1 Linear `weight:"0"` // Weight [dim, FreqDim]
	Linear2 Linear `weight:"2"` // Weight [dim, dim]

	Sinusoidal Sinusoidal // the sinusoid convention (Wan: FlipSinToCos, shift 0)
}

// FreqDim is the sinusoidal embedding width, the input width of Linear1.
func (t *TimestepEmbedding) FreqDim() int { return t.Linear1.In() }

// Forward embeds the timesteps [B] into [B, dim].
func (t *TimestepEmbedding) Forward(ctx backend.Context, timesteps []float64) backend.Tensor {
	d := t.FreqDim()
	e := ctx.Constant(SinusoidalEmbedding(timesteps, d, t.Sinusoidal), len(timesteps), d)
	return t.Linear2.Forward(ctx, ctx.Unary(backend.SiLU, t.Linear1.Forward(ctx, e)))
}
