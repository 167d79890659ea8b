package scene

import (
	"math"
	"testing"
)

// lpcOrder is the order of the linear predictor of detectOnset: enough for
// the six partials and the click of two overlapping tones.
const lpcOrder = 16

// detectOnset returns the first sample in [from, to) at which the signal
// departs from its own past, or -1. It fits a linear predictor
// x[n] ≈ Σ_k c_k x[n-k] by least squares on the 20 ms before from (ringing
// tones are sums of damped sinusoids, which such a predictor continues
// almost exactly, and the ambience is low-pass noise) and reports the first
// sample whose prediction error exceeds 5 times the fit's RMS error and 1e-4.
func detectOnset(x []float32, from, to int) int {
	const fit = SampleRate / 50
	a := max(lpcOrder, from-fit)
	var m [lpcOrder][lpcOrder + 1]float64
	for n := a; n < from; n++ {
		for i := range lpcOrder {
			for j := range lpcOrder {
				m[i][j] += float64(x[n-1-i]) * float64(x[n-1-j])
			}
			m[i][lpcOrder] += float64(x[n-1-i]) * float64(x[n])
		}
	}
	var tr float64
	for i := range lpcOrder {
		tr += m[i][i]
	}
	for i := range lpcOrder {
		m[i][i] += 1e-9*tr + 1e-30
	}
	c := solve(m)
	residual := func(n int) float64 {
		p := float64(x[n])
		for k := range lpcOrder {
			p -= c[k] * float64(x[n-1-k])
		}
		return p
	}
	var ss float64
	for n := a; n < from; n++ {
		ss += residual(n) * residual(n)
	}
	thr := math.Max(1e-4, 5*math.Sqrt(ss/float64(max(1, from-a))))
	for n := max(from, lpcOrder); n < min(to, len(x)); n++ {
		if math.Abs(residual(n)) > thr {
			return n
		}
	}
	return -1
}

// solve solves the augmented system m by Gaussian elimination with partial
// pivoting.
func solve(m [lpcOrder][lpcOrder + 1]float64) [lpcOrder]float64 {
	const n = lpcOrder
	for p := range n {
		best := p
		for r := p + 1; r < n; r++ {
			if math.Abs(m[r][p]) > math.Abs(m[best][p]) {
				best = r
			}
		}
		m[p], m[best] = m[best], m[p]
		for r := p + 1; r < n; r++ {
			f := m[r][p] / m[p][p]
			for k := p; k <= n; k++ {
				m[r][k] -= f * m[p][k]
			}
		}
	}
	var c [n]float64
	for r := n - 1; r >= 0; r-- {
		v := m[r][n]
		for k := r + 1; k < n; k++ {
			v -= m[r][k] * c[k]
		}
		c[r] = v / m[r][r]
	}
	return c
}

// TestAudioOnsetsAtImpacts detects every impact's onset in the rendered
// soundtrack without using the impact list, searching ±10 ms around each
// impact, and requires it within 1 ms of the true time. Impacts with another
// impact in the 30 ms before (whose onset lies in the predictor's fit window
// or the search window) are counted but not required.
func TestAudioOnsetsAtImpacts(t *testing.T) {
	const win = SampleRate / 100
	total, required, found, exact, worst := 0, 0, 0, 0, 0.0
	for i := range testClips {
		c := Generate(11, i)
		imps := c.Truth.Impacts
		for k, im := range imps {
			total++
			masked := k > 0 && im.Time-imps[k-1].Time < 0.03
			n := detectOnset(c.Audio, im.Sample-win, im.Sample+win)
			errS := math.Abs(float64(n)/SampleRate - im.Time)
			if n >= 0 && errS <= 0.001 {
				found++
			}
			if masked {
				continue
			}
			required++
			if n < 0 || errS > 0.001 {
				t.Errorf("clip %d impact %d (%s, strength %.3f, t %.4f s): onset at sample %d, want %d ±16", i, k, im.Surface, im.Strength, im.Time, n, im.Sample)
				continue
			}
			worst = math.Max(worst, errS)
			if n == im.Sample {
				exact++
			}
		}
	}
	if required < total*3/4 {
		t.Errorf("only %d of %d impacts unmasked", required, total)
	}
	t.Logf("%d impacts: %d unmasked, all detected (%d at the exact sample, worst |err| %.4f ms); %d of all detected within 1 ms",
		total, required, exact, worst*1e3, found)
}

// TestToneStartsAtImpactSample checks sample accuracy: the tone contributes
// nothing before its first sample and is non-zero at it.
func TestToneStartsAtImpactSample(t *testing.T) {
	s := singleBall(64, 64, BallSpec{Size: Sizes[0], Radius: 4, X0: 32, Y0: 20}, 0.7, 0, false, 24)
	for _, tm := range []float64{0.5, 0.50003, 0.500062, 1.23456789} {
		im := Impact{Time: tm, Sample: int(math.Ceil(tm * SampleRate)), Surface: Floor, Strength: 0.5}
		x := RenderAudio(s, []Impact{im})
		if x[im.Sample-1] != 0 || x[im.Sample] == 0 {
			t.Errorf("t %.8f: x[%d] = %g (want 0), x[%d] = %g (want != 0)", tm, im.Sample-1, x[im.Sample-1], im.Sample, x[im.Sample])
		}
		want := ToneAt(float64(im.Sample)/SampleRate-tm, 0.5, Floor, Sizes[0])
		if math.Abs(float64(x[im.Sample])-want) > 1e-7 {
			t.Errorf("t %.8f: first sample %g, want %g", tm, x[im.Sample], want)
		}
	}
}

// toneFeatures renders one tone (click excluded by skipping 5 ms) and returns
// its RMS, zero-crossing rate (crossings per second) and the time in seconds
// at which its 2 ms RMS falls below a tenth of the initial.
func toneFeatures(strength float64, surf Surface, sz SizeClass) (rms, zcr, decay float64) {
	const skip, n = SampleRate / 200, SampleRate / 2
	x := make([]float64, n)
	for i := range x {
		x[i] = ToneAt(float64(i+skip)/SampleRate, strength, surf, sz)
	}
	cross := 0
	for i := 1; i < SampleRate/50; i++ { // first 20 ms
		if (x[i-1] < 0) != (x[i] < 0) {
			cross++
		}
	}
	win := func(at int) float64 {
		var s float64
		for i := at; i < at+SampleRate/500; i++ {
			s += x[i] * x[i]
		}
		return math.Sqrt(s / (SampleRate / 500))
	}
	r0 := win(0)
	decay = math.Inf(1)
	for at := 0; at+SampleRate/500 < n; at += SampleRate / 1000 {
		if win(at) < r0/10 {
			decay = float64(at) / SampleRate
			break
		}
	}
	return r0, float64(cross) / 0.02, decay
}

func TestToneCharacter(t *testing.T) {
	// Amplitude follows impact speed.
	lo, _, _ := toneFeatures(0.2, Floor, Sizes[1])
	hi, _, _ := toneFeatures(0.8, Floor, Sizes[1])
	if math.Abs(hi/lo-4) > 1e-9 {
		t.Errorf("RMS ratio for strength 0.8/0.2 = %.6f, want 4", hi/lo)
	}
	// Pitch follows size: small balls cross zero more often.
	var prev float64 = math.Inf(1)
	for _, sz := range Sizes {
		_, z, _ := toneFeatures(0.5, Floor, sz)
		if z >= prev {
			t.Errorf("%s ball: zero-crossing rate %.0f/s not below the smaller ball's %.0f/s", sz.Name, z, prev)
		}
		prev = z
	}
	// Floor and wall differ: the wall tone decays faster.
	for _, sz := range Sizes {
		_, _, df := toneFeatures(0.5, Floor, sz)
		_, _, dw := toneFeatures(0.5, WallLeft, sz)
		if dw >= df {
			t.Errorf("%s ball: wall decay %.4f s not shorter than floor %.4f s", sz.Name, dw, df)
		}
	}
}

// TestPhasorToneMatchesToneAt compares the recursive tone synthesis with the
// closed form, sample by sample, for every surface and size.
func TestPhasorToneMatchesToneAt(t *testing.T) {
	for _, surf := range []Surface{Floor, WallLeft} {
		for _, sz := range Sizes {
			im := Impact{Time: 0.123456789, Surface: surf, Strength: 0.7}
			im.Sample = int(math.Ceil(im.Time * SampleRate))
			acc := make([]float64, SampleRate)
			addTone(acc, im, sz)
			var maxErr float64
			at := 0
			for n := im.Sample; n < len(acc); n++ {
				want := ToneAt(float64(n)/SampleRate-im.Time, im.Strength, surf, sz)
				if math.Abs(want) < tailCut*toneGain*im.Strength && acc[n] == 0 {
					continue // past the truncated tail
				}
				if e := math.Abs(acc[n] - want); e > maxErr {
					maxErr, at = e, n
				}
			}
			if maxErr > 1e-10 {
				t.Errorf("%s %s: max |err| %.3g at sample %d", surf, sz.Name, maxErr, at)
			}
		}
	}
}
