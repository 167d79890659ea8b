package backendtest

import (
	"fmt"
	"math"
)

// errStats summarises how far got is from want.
type errStats struct {
	maxAbs, maxRel float64 // over finite elements; rel only where want != 0
	worst          int     // index with the largest err/limit ratio (-1 if none)
	worstRatio     float64
	bad            int // elements outside the tolerance (or with a non-finite mismatch)
}

// compare checks |got[i] - want[i]| <= tolAbs + tolRel·|want[i]| for every
// element. Non-finite wants must be matched exactly (same infinity, or NaN).
func compare(got, want []float32, tolAbs, tolRel float64) errStats {
	s := errStats{worst: -1}
	if len(got) != len(want) {
		s.bad = max(len(got), len(want))
		return s
	}
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		if math.IsNaN(w) || math.IsInf(w, 0) || math.IsNaN(g) || math.IsInf(g, 0) {
			if !(g == w || (math.IsNaN(g) && math.IsNaN(w))) {
				s.bad++
				s.worst, s.worstRatio = i, math.Inf(1)
			}
			continue
		}
		d := math.Abs(g - w)
		s.maxAbs = max(s.maxAbs, d)
		if w != 0 {
			s.maxRel = max(s.maxRel, d/math.Abs(w))
		}
		lim := tolAbs + tolRel*math.Abs(w)
		if d > lim {
			s.bad++
		}
		ratio := d / lim
		if lim == 0 {
			ratio = 0
			if d > 0 {
				ratio = math.Inf(1)
			}
		}
		if s.worst < 0 || ratio > s.worstRatio {
			s.worst, s.worstRatio = i, ratio
		}
	}
	return s
}

// describe formats a failure: counts, max errors and the worst element.
func (s errStats) describe(got, want []float32, shape []int, tolAbs, tolRel float64) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d values, want %d", len(got), len(want))
	}
	msg := fmt.Sprintf("%d of %d elements outside |err| <= %g + %g·|want|: max abs err %.3g, max rel err %.3g",
		s.bad, len(want), tolAbs, tolRel, s.maxAbs, s.maxRel)
	if s.worst >= 0 {
		msg += fmt.Sprintf("; worst at index %d %v: got %g, want %g",
			s.worst, unravel(s.worst, shape), got[s.worst], want[s.worst])
	}
	return msg
}

// unravel turns a flat row-major index into per-axis indices.
func unravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for a := len(shape) - 1; a >= 0; a-- {
		if shape[a] > 0 {
			idx[a] = i % shape[a]
			i /= shape[a]
		}
	}
	return idx
}

// firstBitDiff returns the first index where a and b differ bitwise, or -1
// (a length mismatch counts as a difference at the shorter length).
func firstBitDiff(a, b []float32) int {
	for i := range min(len(a), len(b)) {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}
