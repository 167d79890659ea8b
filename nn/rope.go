package nn

import (
	"fmt"
	"math"

	"github.com/lockstep-av/lockstep/backend"
)

// DefaultRoPETheta is the default RoPE frequency base.
const DefaultRoPETheta = 10000.0

// RoPE holds the rotation tables of rotary position embedding for one token
// sequence: feature pair j of token s is rotated by the angle whose cosine
// and sine are Cos[s, j] and Sin[s, j]. Layout says which features form
// pair j (Wan and LTX rotate interleaved pairs (2j, 2j+1); GPT-NeoX style
// models pair j with j + D/2). The tables are persistent tensors, built once
// per sequence shape and reused by every layer and step.
type RoPE struct {
	Cos, Sin backend.Tensor // [S, D/2]
	Layout   backend.RoPELayout
}

// Apply rotates x [..., S, D] (typically [B, H, S, D]).
func (r *RoPE) Apply(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return backend.RoPE(ctx, x, r.Cos, r.Sin, r.Layout)
}

// RoPEFrequencies returns the dim/2 angular frequencies of one axis that
// owns dim features: freq[k] = theta^(-2k/dim), as Wan's rope_params and
// the original RoPE. dim must be even; theta <= 0 means DefaultRoPETheta.
func RoPEFrequencies(dim int, theta float64) []float64 {
	if dim <= 0 || dim%2 != 0 {
		panic(fmt.Sprintf("nn: RoPE axis dimension %d must be even and positive", dim))
	}
	if theta <= 0 {
		theta = DefaultRoPETheta
	}
	f := make([]float64, dim/2)
	for k := range f {
		f[k] = math.Pow(theta, -float64(2*k)/float64(dim))
	}
	return f
}

// AxisDims3D splits a head dimension d into the features of the (time,
// height, width) axes the way Wan does: height and width get 2·⌊d/6⌋ each
// and time gets the rest, d - 4·⌊d/6⌋ (for d = 128: 44, 42, 42). Every part
// is even when d is, so the pairs of each axis are contiguous: pairs
// [0, dt/2) rotate with time, the next dh/2 with height, the last dw/2 with
// width.
func AxisDims3D(d int) []int {
	hw := 2 * (d / 6)
	return []int{d - 2*hw, hw, hw}
}

// RoPEAngles returns the rotation angles [S·D/2] (row-major [S, D/2]) for S
// tokens with positions pos[axis][token] on len(dims) axes, axis a owning
// dims[a] features (D = Σ dims) and frequencies RoPEFrequencies(dims[a],
// theta). Angles are computed in float64: angle = pos·freq.
//
// Positions are real numbers, not indices: a video token of latent frame f
// has time coordinate f, and an audio token centred at the same instant can
// be given the same (fractional) time coordinate, so that both modalities
// rotate alike in time (time-aligned RoPE). Any unit works as long as both
// modalities use the same one (latent frames or seconds; with seconds,
// choose theta for the time scale).
func RoPEAngles(pos [][]float64, dims []int, theta float64) []float64 {
	if len(pos) != len(dims) || len(pos) == 0 {
		panic(fmt.Sprintf("nn: RoPE with %d position axes for %d dimension groups", len(pos), len(dims)))
	}
	s := len(pos[0])
	half := 0
	freqs := make([][]float64, len(dims))
	for a, d := range dims {
		if len(pos[a]) != s {
			panic(fmt.Sprintf("nn: RoPE axis %d has %d positions, axis 0 has %d", a, len(pos[a]), s))
		}
		freqs[a] = RoPEFrequencies(d, theta)
		half += d / 2
	}
	out := make([]float64, s*half)
	for i := range s {
		row := out[i*half : (i+1)*half]
		j := 0
		for a, fa := range freqs {
			p := pos[a][i]
			for _, f := range fa {
				row[j] = p * f
				j++
			}
		}
	}
	return out
}

// NewRoPE builds persistent cos/sin tables [S, Σdims/2] on b from the
// positions (see RoPEAngles). For a joint sequence concatenate the
// modalities' positions first (ConcatPositions).
func NewRoPE(b backend.Backend, pos [][]float64, dims []int, theta float64, layout backend.RoPELayout) (*RoPE, error) {
	ang := RoPEAngles(pos, dims, theta)
	half := 0
	for _, d := range dims {
		half += d / 2
	}
	cs := make([]float32, len(ang))
	sn := make([]float32, len(ang))
	for i, a := range ang {
		s, c := math.Sincos(a)
		cs[i], sn[i] = float32(c), float32(s)
	}
	s := len(pos[0])
	cosT, err := b.FromFloat32(cs, s, half)
	if err != nil {
		return nil, fmt.Errorf("rope cos table: %w", err)
	}
	sinT, err := b.FromFloat32(sn, s, half)
	if err != nil {
		return nil, fmt.Errorf("rope sin table: %w", err)
	}
	return &RoPE{Cos: cosT, Sin: sinT, Layout: layout}, nil
}

// LinearPositions returns n positions start, start+step, ... (one axis).
func LinearPositions(n int, start, step float64) []float64 {
	p := make([]float64, n)
	for i := range p {
		p[i] = start + float64(i)*step
	}
	return p
}

// GridPositions returns the (time, height, width) positions of a video
// latent of frames×height×width tokens in row-major token order (width
// fastest), each axis counting from 0 in units of latent cells; timeStart
// and timeStep place the frames in time (0 and 1 for plain frame indices).
func GridPositions(frames, height, width int, timeStart, timeStep float64) [][]float64 {
	n := frames * height * width
	pos := [][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}
	i := 0
	for f := range frames {
		for h := range height {
			for w := range width {
				pos[0][i] = timeStart + float64(f)*timeStep
				pos[1][i] = float64(h)
				pos[2][i] = float64(w)
				i++
			}
		}
	}
	return pos
}

// TimePositions returns 3-axis positions for a sequence of n tokens that
// live on the time axis only (audio latents): token i has time coordinate
// start + i·step and height = width = 0, so its height and width pairs are
// not rotated and its time pairs rotate exactly like a video token of the
// same instant. For audio with a hop of hopSeconds per token and video
// latent frames of frameSeconds each, step = hopSeconds/frameSeconds puts
// audio in latent-frame units.
func TimePositions(n int, start, step float64) [][]float64 {
	return [][]float64{LinearPositions(n, start, step), make([]float64, n), make([]float64, n)}
}

// ConcatPositions joins the per-axis positions of consecutive token runs
// (for example video then audio) into one sequence.
func ConcatPositions(parts ...[][]float64) [][]float64 {
	if len(parts) == 0 {
		return nil
	}
	out := make([][]float64, len(parts[0]))
	for _, p := range parts {
		if len(p) != len(out) {
			panic(fmt.Sprintf("nn: ConcatPositions of %d and %d axes", len(out), len(p)))
		}
		for a := range out {
			out[a] = append(out[a], p[a]...)
		}
	}
	return out
}
