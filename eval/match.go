package eval

import (
	"math"
	"slices"
)

// Match pairs a visual impact with an audio onset.
type Match struct {
	// Impact and Onset index the report's Impacts and Onsets.
	Impact int `json:"impact"`
	Onset  int `json:"onset"`
	// OffsetMS is onset time minus impact time in milliseconds (positive:
	// the sound comes late).
	OffsetMS float64 `json:"offset_ms"`
}

// MatchEvents pairs impacts with onsets one to one: among all pairs closer
// than window seconds, the closest pair is taken first, then the closest of
// the remaining, and so on (ties by impact, then onset index).
func MatchEvents(impacts []Impact, onsets []Onset, window float64) []Match {
	var cand []Match
	for i, im := range impacts {
		for j, on := range onsets {
			if d := on.Time - im.Time; math.Abs(d) <= window {
				cand = append(cand, Match{Impact: i, Onset: j, OffsetMS: 1000 * d})
			}
		}
	}
	slices.SortStableFunc(cand, func(a, b Match) int { return cmpFloat(math.Abs(a.OffsetMS), math.Abs(b.OffsetMS)) })
	usedI := make([]bool, len(impacts))
	usedO := make([]bool, len(onsets))
	var out []Match
	for _, m := range cand {
		if !usedI[m.Impact] && !usedO[m.Onset] {
			usedI[m.Impact], usedO[m.Onset] = true, true
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b Match) int { return a.Impact - b.Impact })
	return out
}

// OffsetStats summarises A/V offsets in milliseconds.
type OffsetStats struct {
	// N is the number of matched pairs; the statistics are 0 when it is 0.
	N int `json:"n"`
	// Median and P90 of the signed offsets (onset - impact).
	MedianMS float64 `json:"median_ms"`
	P90MS    float64 `json:"p90_ms"`
	// MedianAbs and P90Abs of the absolute offsets.
	MedianAbsMS float64 `json:"median_abs_ms"`
	P90AbsMS    float64 `json:"p90_abs_ms"`
}

// NewOffsetStats computes the statistics of offsets (ms).
func NewOffsetStats(offsets []float64) OffsetStats {
	abs := make([]float64, len(offsets))
	for i, o := range offsets {
		abs[i] = math.Abs(o)
	}
	return OffsetStats{
		N:           len(offsets),
		MedianMS:    median(offsets),
		P90MS:       quantile(offsets, 0.9),
		MedianAbsMS: median(abs),
		P90AbsMS:    quantile(abs, 0.9),
	}
}
