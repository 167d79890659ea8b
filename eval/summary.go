package eval

import "slices"

// Thresholds is the quality bar a set of clips must meet (the demo model
// issue's: one frame of A/V offset, 90% heard and seen, parabolic flight,
// 80% caption agreement).
type Thresholds struct {
	// MaxMedianAbsOffsetMS bounds the median absolute A/V offset.
	MaxMedianAbsOffsetMS float64 `json:"max_median_abs_offset_ms"`
	MinHeard             float64 `json:"min_heard"`
	MinSeen              float64 `json:"min_seen"`
	// MinR2 bounds the median parabola R² of the flight segments.
	MinR2          float64 `json:"min_r2"`
	MinColourMatch float64 `json:"min_colour_match"`
	MinCountMatch  float64 `json:"min_count_match"`
}

// DefaultThresholds returns the quality bar of the demo model issue.
func DefaultThresholds() Thresholds {
	return Thresholds{
		MaxMedianAbsOffsetMS: 83, MinHeard: 0.9, MinSeen: 0.9,
		MinR2: 0.95, MinColourMatch: 0.8, MinCountMatch: 0.8,
	}
}

// Check is one criterion of the quality bar.
type Check struct {
	Name string `json:"name"`
	// Value is measured, Op ("<=" or ">=") compares it with Threshold.
	Value     float64 `json:"value"`
	Op        string  `json:"op"`
	Threshold float64 `json:"threshold"`
	Pass      bool    `json:"pass"`
}

// Summary aggregates the reports of many clips. Impacts, onsets, matches and
// segments are pooled over the clips (a clip with many impacts weighs more);
// caption agreement is a fraction of clips.
type Summary struct {
	Clips int `json:"clips"`
	// Impacts and Onsets count the events that are not marginal.
	Impacts      int         `json:"impacts"`
	Onsets       int         `json:"onsets"`
	ImpactsHeard int         `json:"impacts_heard"`
	OnsetsSeen   int         `json:"onsets_seen"`
	HeardFrac    float64     `json:"heard_frac"`
	SeenFrac     float64     `json:"seen_frac"`
	Offsets      OffsetStats `json:"offsets"`
	Segments     int         `json:"segments"`
	R2Median     float64     `json:"r2_median"`
	R2Good       float64     `json:"r2_good"`
	ColourMatch  float64     `json:"colour_match"`
	CountMatch   float64     `json:"count_match"`
	Checks       []Check     `json:"checks"`
	// Pass is true when every check passes.
	Pass bool `json:"pass"`
}

// noMatches is the offset check's value when nothing was matched (no
// evidence of sync; JSON has no infinity).
const noMatches = 1e9

// Summarize pools reports and applies the thresholds; goodR2 is the R² a
// segment needs to count as parabolic (Options.GoodR2).
func Summarize(reports []*Report, th Thresholds, goodR2 float64) Summary {
	s := Summary{Clips: len(reports)}
	var offs, r2 []float64
	colour, count := 0, 0
	for _, r := range reports {
		s.Impacts += r.ImpactsCounted
		s.Onsets += r.OnsetsCounted
		s.ImpactsHeard += r.ImpactsHeard
		s.OnsetsSeen += r.OnsetsSeen
		for _, m := range r.Matches {
			offs = append(offs, m.OffsetMS)
		}
		for _, sg := range r.Segments {
			r2 = append(r2, sg.R2)
		}
		if r.ColourMatch {
			colour++
		}
		if r.CountMatch {
			count++
		}
	}
	s.HeardFrac = frac(s.ImpactsHeard, s.Impacts)
	s.SeenFrac = frac(s.OnsetsSeen, s.Onsets)
	s.Offsets = NewOffsetStats(offs)
	s.Segments = len(r2)
	s.R2Median = median(r2)
	s.R2Good = frac(countAtLeast(r2, goodR2), len(r2))
	s.ColourMatch = frac(colour, len(reports))
	s.CountMatch = frac(count, len(reports))
	offset := s.Offsets.MedianAbsMS
	if s.Offsets.N == 0 {
		offset = noMatches
	}
	s.Checks = []Check{
		atMost("median |A/V offset| (ms)", offset, th.MaxMedianAbsOffsetMS),
		atLeast("impacts heard", s.HeardFrac, th.MinHeard),
		atLeast("onsets seen", s.SeenFrac, th.MinSeen),
		atLeast("median parabola R²", s.R2Median, th.MinR2),
		atLeast("caption colour match", s.ColourMatch, th.MinColourMatch),
		atLeast("caption count match", s.CountMatch, th.MinCountMatch),
	}
	s.Pass = !slices.ContainsFunc(s.Checks, func(c Check) bool { return !c.Pass })
	return s
}

// Check returns the check with the given name and whether it exists.
func (s *Summary) Check(name string) (Check, bool) {
	i := slices.IndexFunc(s.Checks, func(c Check) bool { return c.Name == name })
	if i < 0 {
		return Check{}, false
	}
	return s.Checks[i], true
}

func atMost(name string, v, thr float64) Check {
	return Check{Name: name, Value: v, Op: "<=", Threshold: thr, Pass: v <= thr}
}

func atLeast(name string, v, thr float64) Check {
	return Check{Name: name, Value: v, Op: ">=", Threshold: thr, Pass: v >= thr}
}
