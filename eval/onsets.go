package eval

import (
	"math"
	"slices"
)

// Onset is the start of a sound event in the soundtrack.
type Onset struct {
	// Time in seconds; Sample the first sample of the event.
	Time   float64 `json:"time"`
	Sample int     `json:"sample"`
	// Strength is the spectral flux peak of the onset.
	Strength float64 `json:"strength"`
	// Peak is the largest absolute sample in the 5 ms from the onset.
	Peak float64 `json:"peak"`
	// Marginal onsets are much quieter than the clip's loudest (see
	// Options.MinRelEvent); they are matched but not counted.
	Marginal bool `json:"marginal,omitempty"`
}

// OnsetOptions tunes [DetectOnsets]. Times are in seconds.
type OnsetOptions struct {
	// Window and Hop of the short-time spectra.
	Window, Hop float64
	// Compression γ of the log magnitude log(1 + γ|X|).
	Compression float64
	// MedianSpan is the half width of the moving median of the threshold.
	MedianSpan float64
	// Delta is added to the moving median (in flux units per bin).
	Delta float64
	// Refractory is the shortest time between two onsets.
	Refractory float64
	// MinRelPeak drops onsets whose Peak is below this fraction of the
	// clip's largest onset Peak.
	MinRelPeak float64
	// MinPeak drops onsets whose Peak is below this absolute level.
	MinPeak float64
}

// DetectOnsets finds the onsets of audio (mono, at rate Hz).
//
// The log-compressed magnitude spectrum log(1 + γ|X|) of Hann-windowed
// frames of Window seconds every Hop seconds is differenced frame to frame;
// the positive differences summed over bins (mean per bin, DC excluded) are
// the spectral flux. A frame is an onset when its flux exceeds the moving
// median over ±MedianSpan plus Delta and is the largest within ±Refractory.
// The onset's sample is then refined on the first difference of the signal
// (a high-pass that suppresses ambience and the tones' low partials): it is
// the sample n that maximises the mean energy of the 8 samples from n minus
// that of the 16 samples before n, searched from one window before the
// frame's start to its end. Onsets with a Peak under MinPeak, or under
// MinRelPeak of the clip's loudest, are dropped.
func DetectOnsets(audio []float32, rate int, o *OnsetOptions) []Onset {
	win := max(8, int(math.Round(o.Window*float64(rate))))
	hop := max(1, int(math.Round(o.Hop*float64(rate))))
	if len(audio) < win {
		return nil
	}
	nf := (len(audio)-win)/hop + 1
	bins := win / 2
	hann := make([]float64, win)
	for i := range hann {
		hann[i] = 0.5 - 0.5*math.Cos(2*math.Pi*(float64(i)+0.5)/float64(win))
	}
	cosT := make([]float64, win)
	sinT := make([]float64, win)
	for i := range win {
		cosT[i] = math.Cos(2 * math.Pi * float64(i) / float64(win))
		sinT[i] = math.Sin(2 * math.Pi * float64(i) / float64(win))
	}
	prev := make([]float64, bins)
	cur := make([]float64, bins)
	buf := make([]float64, win)
	flux := make([]float64, nf)
	for f := range nf {
		for i := range win {
			buf[i] = float64(audio[f*hop+i]) * hann[i]
		}
		for k := 1; k <= bins; k++ {
			var re, im float64
			idx := 0
			for i := range win {
				re += buf[i] * cosT[idx]
				im -= buf[i] * sinT[idx]
				idx += k
				if idx >= win {
					idx -= win
				}
			}
			cur[k-1] = math.Log1p(o.Compression * math.Hypot(re, im))
		}
		if f > 0 {
			var s float64
			for k := range bins {
				s += math.Max(0, cur[k]-prev[k])
			}
			flux[f] = s / float64(bins)
		}
		prev, cur = cur, prev
	}
	span := max(1, int(math.Round(o.MedianSpan/o.Hop)))
	refr := max(1, int(math.Round(o.Refractory/o.Hop)))
	hp := make([]float64, len(audio))
	for i := 1; i < len(audio); i++ {
		d := float64(audio[i]) - float64(audio[i-1])
		hp[i] = d * d
	}
	var out []Onset
	window := make([]float64, 0, 2*span+1)
	for f := 1; f < nf; f++ {
		lo, hi := max(0, f-refr), min(nf-1, f+refr)
		if flux[f] <= 0 || slices.Max(flux[lo:hi+1]) > flux[f] || (f > lo && slices.Index(flux[lo:f], flux[f]) >= 0) {
			continue // not the (first) largest within the refractory period
		}
		window = append(window[:0], flux[max(0, f-span):min(nf, f+span+1)]...)
		if flux[f] <= median(window)+o.Delta {
			continue
		}
		n := refineOnset(hp, max(1, f*hop-win), min(len(audio)-1, f*hop+win))
		peak := 0.0
		for i := n; i < min(len(audio), n+rate/200); i++ {
			peak = math.Max(peak, math.Abs(float64(audio[i])))
		}
		if peak < o.MinPeak {
			continue
		}
		out = append(out, Onset{Time: float64(n) / float64(rate), Sample: n, Strength: flux[f], Peak: peak})
	}
	if len(out) > 0 {
		var top float64
		for _, on := range out {
			top = math.Max(top, on.Peak)
		}
		out = slices.DeleteFunc(out, func(on Onset) bool { return on.Peak < o.MinRelPeak*top })
	}
	return out
}

// refineOnset returns the sample in [lo, hi] where the energy e (squared
// first differences) steps up most: mean(e[n:n+8]) - mean(e[n-16:n]).
func refineOnset(e []float64, lo, hi int) int {
	const after, before = 8, 16
	best, bestN := math.Inf(-1), lo
	for n := lo; n <= hi; n++ {
		var a, b float64
		for i := n; i < min(len(e), n+after); i++ {
			a += e[i]
		}
		for i := max(0, n-before); i < n; i++ {
			b += e[i]
		}
		if d := a/after - b/before; d > best {
			best, bestN = d, n
		}
	}
	return bestN
}
