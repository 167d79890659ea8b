package eval

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/lockstep-av/lockstep/scene"
)

// Options configures [Evaluate].
type Options struct {
	// BackgroundTol is the tolerance of [EstimateBackground].
	BackgroundTol float64
	Detect        DetectOptions
	Track         TrackOptions
	Impact        ImpactOptions
	Onset         OnsetOptions
	// MatchWindow is the largest |onset - impact| in seconds that pairs them.
	MatchWindow float64
	// MinRelEvent marks as marginal the impacts slower than this fraction of
	// the clip's fastest impact and the onsets quieter (by Peak) than this
	// fraction of its loudest onset. Impact tones are as loud as the impact
	// is fast, so the same fraction selects the same events on both sides,
	// and the bounces too small to be seen at the frame rate drop out of
	// both counts. Marginal events still take part in matching.
	MinRelEvent float64
	// MinSegmentFrames and MinSegmentRange (pixels) select the flight
	// segments whose parabola fit is scored.
	MinSegmentFrames int
	MinSegmentRange  float64
	// GoodR2 is the R² a segment must reach to count as parabolic.
	GoodR2 float64
	// CountFrames is the fraction of frames (at least 2) in which m balls of
	// a colour must be seen for the clip to count m balls of that colour.
	CountFrames float64
}

// DefaultOptions returns the settings used by `lockstep eval`, tuned on the
// scene generator's clips (see the package tests).
func DefaultOptions() Options {
	return Options{
		BackgroundTol: 40,
		Detect:        DetectOptions{Palette: scene.Colours, Threshold: 35, MinContrast: 60, MinArea: 8, SplitRatio: 1.35},
		Track:         TrackOptions{MaxJump: 0.3, MaxGap: 3, MinLen: 3},
		Impact:        ImpactOptions{Hysteresis: 0.1, Window: 4, MinJump: 8, Margin: 0.12},
		Onset: OnsetOptions{
			Window: 0.004, Hop: 0.001, Compression: 100, MedianSpan: 0.05,
			Delta: 0.3, Refractory: 0.008, MinRelPeak: 0.02, MinPeak: 0.003,
		},
		MatchWindow:      0.25,
		MinRelEvent:      0.2,
		MinSegmentFrames: 4,
		MinSegmentRange:  1,
		GoodR2:           0.95,
		CountFrames:      0.1,
	}
}

// Ball is one ball the clip is judged to show.
type Ball struct {
	Colour string `json:"colour"`
	// Radius is the median radius of its track in pixels and Size the
	// nearest size class of the scene family.
	Radius float64 `json:"radius"`
	Size   string  `json:"size"`
}

// Report is the evaluation of one clip.
type Report struct {
	Name     string  `json:"name,omitempty"`
	Caption  string  `json:"caption"`
	Width    int     `json:"width"`
	Height   int     `json:"height"`
	Frames   int     `json:"frames"`
	FPS      float64 `json:"fps"`
	Duration float64 `json:"duration"`

	Balls   []Ball      `json:"balls"`
	Tracks  []*Track    `json:"-"`
	Impacts []Impact    `json:"impacts"`
	Onsets  []Onset     `json:"onsets"`
	Matches []Match     `json:"matches"`
	Offsets OffsetStats `json:"offsets"`
	// ImpactsCounted and OnsetsCounted are the events that are not
	// marginal; ImpactsHeard counts those matched to an onset, OnsetsSeen
	// those matched to an impact; the fractions are 0 when there is nothing
	// to count.
	ImpactsCounted int     `json:"impacts_counted"`
	OnsetsCounted  int     `json:"onsets_counted"`
	ImpactsHeard   int     `json:"impacts_heard"`
	OnsetsSeen     int     `json:"onsets_seen"`
	HeardFrac      float64 `json:"heard_frac"`
	SeenFrac       float64 `json:"seen_frac"`

	Segments []Segment `json:"segments"`
	// R2Median is the median R² of Segments and R2Good the fraction of them
	// at or above Options.GoodR2 (both 0 without segments).
	R2Median float64 `json:"r2_median"`
	R2Good   float64 `json:"r2_good"`

	CaptionGroups   []CaptionGroup `json:"caption_groups"`
	CaptionCount    int            `json:"caption_count"`
	CaptionColours  []string       `json:"caption_colours"`
	DetectedCount   int            `json:"detected_count"`
	DetectedColours []string       `json:"detected_colours"`
	// ColourMatch: the sets of colours named and seen are equal. CountMatch:
	// the numbers of balls named and seen are equal.
	ColourMatch bool `json:"colour_match"`
	CountMatch  bool `json:"count_match"`
}

// Evaluate runs the whole analysis on c.
func Evaluate(c *Clip, o Options) (*Report, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	W, H, F := c.Width, c.Height, c.NumFrames()
	r := &Report{
		Caption: c.Caption, Width: W, Height: H, Frames: F, FPS: c.FPS,
		Duration: float64(F) / c.FPS,
	}
	bg := EstimateBackground(c.Frames, F, W, H, o.BackgroundTol)
	dets := make([][]Detection, F)
	fsz := W * H * 3
	for f := range F {
		dets[f] = DetectFrame(c.Frames[f*fsz:(f+1)*fsz], bg, f, &o.Detect)
	}
	r.Tracks = TrackBalls(dets, W, H, &o.Track)
	for _, tr := range r.Tracks {
		r.Impacts = append(r.Impacts, FindImpacts(tr, W, H, c.FPS, &o.Impact)...)
	}
	slices.SortStableFunc(r.Impacts, func(a, b Impact) int { return cmpFloat(a.Time, b.Time) })
	r.Onsets = DetectOnsets(c.Audio, c.SampleRate, &o.Onset)
	r.Matches = MatchEvents(r.Impacts, r.Onsets, o.MatchWindow)
	offs := make([]float64, len(r.Matches))
	for i, m := range r.Matches {
		offs[i] = m.OffsetMS
	}
	r.Offsets = NewOffsetStats(offs)
	markMarginal(r.Impacts, r.Onsets, o.MinRelEvent)
	for _, im := range r.Impacts {
		if !im.Marginal {
			r.ImpactsCounted++
		}
	}
	for _, on := range r.Onsets {
		if !on.Marginal {
			r.OnsetsCounted++
		}
	}
	for _, m := range r.Matches {
		if !r.Impacts[m.Impact].Marginal {
			r.ImpactsHeard++
		}
		if !r.Onsets[m.Onset].Marginal {
			r.OnsetsSeen++
		}
	}
	r.HeardFrac = frac(r.ImpactsHeard, r.ImpactsCounted)
	r.SeenFrac = frac(r.OnsetsSeen, r.OnsetsCounted)

	var r2 []float64
	for _, tr := range r.Tracks {
		for _, s := range FlightSegments(tr, r.Impacts, c.FPS, o.MinSegmentFrames, o.MinSegmentRange) {
			r.Segments = append(r.Segments, s)
			r2 = append(r2, s.R2)
		}
	}
	r.R2Median = median(r2)
	r.R2Good = frac(countAtLeast(r2, o.GoodR2), len(r2))

	r.Balls = countBalls(r.Tracks, F, W, H, o.CountFrames)
	r.CaptionGroups = ParseCaption(c.Caption)
	capCol, capN := CaptionCounts(r.CaptionGroups)
	r.CaptionCount = capN
	delete(capCol, "") // a group without a colour names none
	r.CaptionColours = sortedKeys(capCol)
	det := map[string]int{}
	for _, b := range r.Balls {
		det[b.Colour]++
	}
	r.DetectedCount = len(r.Balls)
	r.DetectedColours = sortedKeys(det)
	r.ColourMatch = slices.Equal(r.CaptionColours, r.DetectedColours)
	r.CountMatch = r.CaptionCount == r.DetectedCount
	ensureSlices(r)
	return r, nil
}

// markMarginal flags the impacts slower than rel times the fastest and the
// onsets quieter than rel times the loudest.
func markMarginal(impacts []Impact, onsets []Onset, rel float64) {
	var vmax, pmax float64
	for _, im := range impacts {
		vmax = math.Max(vmax, im.Speed)
	}
	for _, on := range onsets {
		pmax = math.Max(pmax, on.Peak)
	}
	for i := range impacts {
		impacts[i].Marginal = impacts[i].Speed < rel*vmax
	}
	for i := range onsets {
		onsets[i].Marginal = onsets[i].Peak < rel*pmax
	}
}

// minBallRadius is half the radius fraction of the family's smallest ball.
var minBallRadius = 0.5 * scene.Sizes[0].RadiusFrac

// countBalls decides the balls a clip shows: per colour, the largest m such
// that at least max(2, minFrac·F) frames show m or more tracked balls of that
// colour (overlapping balls of one colour reduce a frame's count, never
// increase it). The m longest tracks of the colour give the radii. Tracks
// whose median radius is below minBallRadius of the smaller frame side
// (half the smallest ball of the family) are noise and not counted.
func countBalls(tracks []*Track, nFrames, W, H int, minFrac float64) []Ball {
	need := max(2, int(math.Ceil(minFrac*float64(nFrames))))
	perFrame := map[string][]int{}
	byColour := map[string][]*Track{}
	minR := minBallRadius * float64(min(W, H))
	for _, tr := range tracks {
		if tr.MedianRadius() < minR {
			continue
		}
		if perFrame[tr.Colour] == nil {
			perFrame[tr.Colour] = make([]int, nFrames)
		}
		for _, f := range tr.Frames {
			perFrame[tr.Colour][f]++
		}
		byColour[tr.Colour] = append(byColour[tr.Colour], tr)
	}
	var out []Ball
	for _, col := range sortedKeys(perFrame) {
		counts := perFrame[col]
		m := 0
		for k := 1; ; k++ {
			n := 0
			for _, c := range counts {
				if c >= k {
					n++
				}
			}
			if n < need {
				break
			}
			m = k
		}
		trs := byColour[col]
		sort.SliceStable(trs, func(a, b int) bool { return trs[a].Len() > trs[b].Len() })
		for i := range min(m, len(trs)) {
			rad := trs[i].MedianRadius()
			out = append(out, Ball{Colour: col, Radius: rad, Size: sizeClass(rad, W, H)})
		}
	}
	return out
}

// sizeClass names the scene size class whose radius is nearest to r.
func sizeClass(r float64, W, H int) string {
	side := float64(min(W, H))
	best, name := math.Inf(1), ""
	for _, s := range scene.Sizes {
		if d := math.Abs(s.RadiusFrac*side - r); d < best {
			best, name = d, s.Name
		}
	}
	return name
}

func countAtLeast(v []float64, thr float64) int {
	n := 0
	for _, x := range v {
		if x >= thr {
			n++
		}
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ensureSlices replaces nil slices by empty ones so that JSON shows [].
func ensureSlices(r *Report) {
	if r.Balls == nil {
		r.Balls = []Ball{}
	}
	if r.Impacts == nil {
		r.Impacts = []Impact{}
	}
	if r.Onsets == nil {
		r.Onsets = []Onset{}
	}
	if r.Matches == nil {
		r.Matches = []Match{}
	}
	if r.Segments == nil {
		r.Segments = []Segment{}
	}
	if r.CaptionGroups == nil {
		r.CaptionGroups = []CaptionGroup{}
	}
}
