package scene

import (
	"math"
	"math/rand/v2"
)

// partial is one sinusoid of an impact tone: frequency as a multiple of the
// ball's pitch, relative amplitude, and decay time as a multiple of the tone's
// base decay.
type partial struct{ ratio, amp, decay float64 }

// Timbres of the two kinds of surface. Floor tones are harmonic and ring
// longer; wall (and ceiling) tones use the inharmonic partials of a free bar
// and die out faster.
var (
	floorPartials = []partial{{1, 1.0, 1.0}, {2, 0.35, 0.6}, {3, 0.12, 0.4}}
	wallPartials  = []partial{{1, 0.7, 0.45}, {2.756, 0.5, 0.3}, {5.404, 0.3, 0.2}}
)

// Audio constants.
const (
	// toneGain is the peak tone amplitude of a Strength-1 impact.
	toneGain = 0.3
	// clickGain, clickFreq, clickDecay shape the 1 ms onset click (relative
	// amplitude, Hz, seconds).
	clickGain  = 1.0
	clickFreq  = 3000
	clickDecay = 0.0008
	// ambienceLevel is the RMS of the ambience noise.
	ambienceLevel = 0.004
	// tailCut is the envelope level at which a tone is truncated.
	tailCut = 1e-4
)

// RenderAudio synthesises the mono soundtrack of s at [SampleRate]: one tone
// per impact starting exactly at its time, plus the optional ambience, clipped
// to [-1, 1].
func RenderAudio(s *Spec, impacts []Impact) []float32 {
	n := s.Samples()
	acc := make([]float64, n)
	if s.Ambience {
		addAmbience(acc, clipStream(s.Seed, s.Index, 1))
	}
	for _, im := range impacts {
		addTone(acc, im, s.Balls[im.Ball].Size)
	}
	out := make([]float32, n)
	for i, v := range acc {
		out[i] = float32(math.Max(-1, math.Min(1, v)))
	}
	return out
}

// ToneAt is the continuous-time tone of an impact of the given strength on
// surf by a ball of size sz, dt seconds after the contact (0 for dt < 0):
//
//	A * (sum_k a_k sin(2π f_k dt) exp(-dt/τ_k) + c cos(2π f_c dt) exp(-dt/τ_c))
//
// with A = toneGain*strength.
func ToneAt(dt, strength float64, surf Surface, sz SizeClass) float64 {
	if dt < 0 {
		return 0
	}
	ps, base := floorPartials, sz.Decay
	if surf != Floor {
		ps = wallPartials
	}
	var v float64
	for _, p := range ps {
		v += p.amp * math.Sin(2*math.Pi*p.ratio*sz.Pitch*dt) * math.Exp(-dt/(p.decay*base))
	}
	v += clickGain * math.Cos(2*math.Pi*clickFreq*dt) * math.Exp(-dt/clickDecay)
	return toneGain * strength * v
}

// addTone adds the tone of im to acc from its first sample on.
func addTone(acc []float64, im Impact, sz SizeClass) {
	length := int(math.Ceil(-math.Log(tailCut) * sz.Decay * SampleRate))
	end := min(len(acc), im.Sample+length)
	for n := im.Sample; n < end; n++ {
		acc[n] += ToneAt(float64(n)/SampleRate-im.Time, im.Strength, im.Surface, sz)
	}
}

// addAmbience adds low-pass filtered white noise (one-pole filter, cut-off
// about 130 Hz) with RMS ambienceLevel.
func addAmbience(acc []float64, rng *rand.Rand) {
	const alpha = 0.05
	// A one-pole low-pass of unit-variance white noise has variance alpha/(2-alpha).
	scale := ambienceLevel / math.Sqrt(alpha/(2-alpha))
	var y float64
	for i := range acc {
		y += alpha * (rng.NormFloat64() - y)
		acc[i] += scale * y
	}
}
