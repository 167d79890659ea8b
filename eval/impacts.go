package eval

import (
	"math"
	"slices"
)

// Surface names a side of the box; the values are those of the scene
// package's ground truth.
type Surface string

// The surfaces an impact can be on.
const (
	Floor     Surface = "floor"
	Ceiling   Surface = "ceiling"
	WallLeft  Surface = "wall_left"
	WallRight Surface = "wall_right"
)

// Impact is a visual impact: a track reversing its velocity at a surface.
type Impact struct {
	// Time of the contact in seconds (sub-frame).
	Time float64 `json:"time"`
	// Frame is the frame nearest to Time.
	Frame   int     `json:"frame"`
	Track   int     `json:"track"`
	Colour  string  `json:"colour"`
	Surface Surface `json:"surface"`
	// Speed is the incoming normal speed in px/s.
	Speed float64 `json:"speed"`
	// Marginal impacts are much slower than the clip's fastest (see
	// Options.MinRelEvent); they are matched but not counted.
	Marginal bool `json:"marginal,omitempty"`
}

// ImpactOptions tunes [FindImpacts].
type ImpactOptions struct {
	// Hysteresis in pixels: an extremum of x(t) or y(t) counts once the
	// coordinate has moved back by more than this.
	Hysteresis float64
	// Window is the number of frames fitted on each side of an impact.
	Window int
	// MinJump is the smallest velocity change in px/s across an impact.
	MinJump float64
	// Margin is how far, as a fraction of the frame side, the ball's edge may
	// stay from the surface at the contact.
	Margin float64
}

// FindImpacts returns the impacts of track tr in a width x height frame at
// fps, by time. Candidates are the extrema of y(t) (floor or ceiling) and
// x(t) (walls) found with hysteresis; up to Window frames on each side are
// fitted with two parabolas of one curvature (gravity, or the rolling
// deceleration, is the same before and after), the frame at the extremum
// going to the side that fits better, and the contact time is where the two
// meet, clamped to the frame interval on that side. A candidate is an impact
// when the velocity reverses with a jump of at least MinJump and the ball's
// edge is within Margin of the surface at the contact.
func FindImpacts(tr *Track, width, height int, fps float64, o *ImpactOptions) []Impact {
	t := make([]float64, tr.Len())
	for i, f := range tr.Frames {
		t[i] = float64(f) / fps
	}
	var out []Impact
	for axis, v := range [][]float64{tr.X, tr.Y} {
		side := float64(height)
		if axis == 0 {
			side = float64(width)
		}
		ext := extrema(v, o.Hysteresis)
		// An extremum bounds the fits of its neighbours unless it is the apex
		// of a flight (a minimum of y away from the ceiling), through which
		// the motion stays one parabola.
		bounds := func(e int) bool {
			x := ext[e]
			return axis == 0 || x.max || v[x.i]-tr.Radius[x.i] <= side*o.Margin
		}
		for e, x := range ext {
			lo, hi := 0, len(v)-1
			for p := e - 1; p >= 0; p-- {
				if bounds(p) {
					lo = ext[p].i + 1
					break
				}
			}
			for p := e + 1; p < len(ext); p++ {
				if bounds(p) {
					hi = ext[p].i - 1
					break
				}
			}
			im, pos, ok := impactAt(t, v, x, lo, hi, o)
			if !ok {
				continue
			}
			r := tr.Radius[x.i]
			switch {
			case axis == 1 && x.max && pos+r >= side*(1-o.Margin):
				im.Surface = Floor
			case axis == 1 && !x.max && pos-r <= side*o.Margin:
				im.Surface = Ceiling
			case axis == 0 && x.max && pos+r >= side*(1-o.Margin):
				im.Surface = WallRight
			case axis == 0 && !x.max && pos-r <= side*o.Margin:
				im.Surface = WallLeft
			default:
				continue
			}
			im.Track, im.Colour = tr.ID, tr.Colour
			im.Frame = int(math.Round(im.Time * fps))
			out = append(out, im)
		}
	}
	out = append(out, smallBounces(tr, out, height, fps, o)...)
	slices.SortStableFunc(out, func(a, b Impact) int { return cmpFloat(a.Time, b.Time) })
	return out
}

// extremum is a confirmed local maximum or minimum of a series.
type extremum struct {
	i   int
	max bool
}

// extrema finds the local extrema of v that the series leaves by more than
// delta on both sides (a peak detector with hysteresis).
func extrema(v []float64, delta float64) []extremum {
	var out []extremum
	if len(v) == 0 {
		return out
	}
	mode, imax, imin := 0, 0, 0
	for i := 1; i < len(v); i++ {
		if v[i] > v[imax] {
			imax = i
		}
		if v[i] < v[imin] {
			imin = i
		}
		switch {
		case mode != -1 && v[imax]-v[i] > delta:
			if mode == 1 {
				out = append(out, extremum{imax, true})
			}
			mode, imin = -1, i
		case mode != 1 && v[i]-v[imin] > delta:
			if mode == -1 {
				out = append(out, extremum{imin, false})
			}
			mode, imax = 1, i
		}
	}
	return out
}

// impactAt fits the two sides of extremum x using samples lo..hi and returns
// the impact with its time and incoming speed, and the contact position.
func impactAt(t, v []float64, x extremum, lo, hi int, o *ImpactOptions) (Impact, float64, bool) {
	k := x.i
	type try struct {
		f      sidesFit
		t0, t1 float64
	}
	var best *try
	for _, kLeft := range []bool{true, false} {
		lEnd, rStart := k-1, k+1
		if kLeft {
			lEnd = k
		} else {
			rStart = k
		}
		l0 := max(lo, lEnd-o.Window+1)
		r1 := min(hi, rStart+o.Window-1)
		if l0 > lEnd || rStart > r1 {
			continue
		}
		f := fitSides(t[l0:lEnd+1], v[l0:lEnd+1], t[rStart:r1+1], v[rStart:r1+1], t[k])
		if !f.ok {
			continue
		}
		c := try{f: f, t0: t[max(k-1, 0)], t1: t[k]}
		if kLeft {
			c.t0, c.t1 = t[k], t[min(k+1, len(t)-1)]
		}
		if best == nil || f.SSE < best.f.SSE {
			best = &c
		}
	}
	var hit, pos, velL, velR float64
	if best != nil {
		var ok bool
		if hit, ok = best.f.meet(); !ok {
			return Impact{}, 0, false
		}
		hit = math.Max(best.t0, math.Min(best.t1, hit))
		pos, _, velL, velR = best.f.at(hit)
	} else {
		// Too few samples for a fit: frame-accurate, finite differences.
		if k == 0 || k == len(v)-1 {
			return Impact{}, 0, false
		}
		hit, pos = t[k], v[k]
		velL = (v[k] - v[k-1]) / (t[k] - t[k-1])
		velR = (v[k+1] - v[k]) / (t[k+1] - t[k])
	}
	if x.max && (velL <= 0 || velR >= 0) || !x.max && (velL >= 0 || velR <= 0) {
		return Impact{}, 0, false
	}
	if math.Abs(velL-velR) < o.MinJump {
		return Impact{}, 0, false
	}
	return Impact{Time: hit, Speed: math.Abs(velL)}, pos, true
}

// cmpFloat orders float64 values for slices.SortFunc.
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Segment is the free flight of a track between two vertical impacts (or
// the clip's ends), with the R² of a parabola fitted to y(t).
type Segment struct {
	Track int     `json:"track"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	// Frames is the number of frames fitted.
	Frames int     `json:"frames"`
	R2     float64 `json:"r2"`
}

// FlightSegments cuts track tr at its floor and ceiling impacts and fits
// y(t) = a + b t + c t² to every piece with at least minFrames frames that
// moves vertically by at least minRange pixels (a ball at rest or rolling is
// not a flight).
func FlightSegments(tr *Track, impacts []Impact, fps float64, minFrames int, minRange float64) []Segment {
	cuts := []float64{math.Inf(-1)}
	for _, im := range impacts {
		if im.Track == tr.ID && (im.Surface == Floor || im.Surface == Ceiling) {
			cuts = append(cuts, im.Time)
		}
	}
	cuts = append(cuts, math.Inf(1))
	var out []Segment
	for c := 0; c+1 < len(cuts); c++ {
		var ts, ys []float64
		for i, f := range tr.Frames {
			if t := float64(f) / fps; t > cuts[c] && t < cuts[c+1] {
				ts, ys = append(ts, t), append(ys, tr.Y[i])
			}
		}
		if len(ts) < minFrames || slices.Max(ys)-slices.Min(ys) < minRange {
			continue
		}
		r2, ok := fitParabola(ts, ys)
		if !ok {
			continue
		}
		out = append(out, Segment{Track: tr.ID, Start: ts[0], End: ts[len(ts)-1], Frames: len(ts), R2: r2})
	}
	return out
}
