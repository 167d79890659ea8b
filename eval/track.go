package eval

import (
	"math"
	"slices"
)

// Track is one ball followed across frames.
type Track struct {
	ID     int    `json:"id"`
	Colour string `json:"colour"`
	// Frames lists the frames in which the ball was found, ascending, and X,
	// Y, Radius its centre and radius there.
	Frames []int     `json:"frames"`
	X      []float64 `json:"x"`
	Y      []float64 `json:"y"`
	Radius []float64 `json:"radius"`
	// Clean is false where the detection was split from a blob of
	// overlapping balls or touched a ball of another colour.
	Clean []bool `json:"clean"`
}

// Len is the number of frames in which the track was found.
func (t *Track) Len() int { return len(t.Frames) }

// clean reports whether sample i is clean (true when Clean is not filled).
func (t *Track) clean(i int) bool { return i >= len(t.Clean) || t.Clean[i] }

// MedianRadius is the median radius over the track.
func (t *Track) MedianRadius() float64 { return median(t.Radius) }

// TrackOptions tunes [TrackBalls].
type TrackOptions struct {
	// MaxJump is the largest distance between a track's predicted position
	// and a detection it may take, per frame elapsed, as a fraction of the
	// frame's larger side.
	MaxJump float64
	// MaxGap is the largest number of consecutive frames a track may miss.
	MaxGap int
	// MinLen drops tracks found in fewer frames.
	MinLen int
}

// TrackBalls links per-frame detections (dets[f] are the detections of frame
// f) into tracks. In each frame, detections are assigned to the live tracks
// of the same colour minimising the summed distance to each track's
// constant-velocity prediction (exhaustively for up to 7 detections and
// tracks, greedily beyond), a pairing being allowed within MaxJump per
// elapsed frame; unassigned detections start tracks.
func TrackBalls(dets [][]Detection, width, height int, o *TrackOptions) []*Track {
	jump := o.MaxJump * float64(max(width, height))
	var all, live []*Track
	for f, ds := range dets {
		// Retire tracks that missed too many frames.
		live = slices.DeleteFunc(live, func(t *Track) bool { return f-t.Frames[len(t.Frames)-1] > o.MaxGap+1 })
		cost := make([][]float64, len(live))
		for i, t := range live {
			cost[i] = make([]float64, len(ds))
			px, py, gap := predict(t, f)
			for j, d := range ds {
				dist := math.Hypot(d.X-px, d.Y-py)
				if d.Colour != t.Colour || dist > jump*float64(gap) {
					cost[i][j] = math.Inf(1)
				} else {
					cost[i][j] = dist
				}
			}
		}
		match := assign(cost, len(ds))
		used := make([]bool, len(ds))
		for i, j := range match {
			if j < 0 {
				continue
			}
			used[j] = true
			live[i].add(ds[j])
		}
		for j, d := range ds {
			if !used[j] {
				t := &Track{ID: len(all), Colour: d.Colour}
				t.add(d)
				all = append(all, t)
				live = append(live, t)
			}
		}
	}
	var out []*Track
	for _, t := range all {
		if t.Len() >= o.MinLen {
			t.ID = len(out)
			out = append(out, t)
		}
	}
	return out
}

func (t *Track) add(d Detection) {
	t.Frames = append(t.Frames, d.Frame)
	t.X = append(t.X, d.X)
	t.Y = append(t.Y, d.Y)
	t.Radius = append(t.Radius, d.Radius)
	t.Clean = append(t.Clean, !d.Split && !d.Touching)
}

// predict extrapolates t to frame f from its last two points and returns the
// prediction and the number of frames since the last point.
func predict(t *Track, f int) (x, y float64, gap int) {
	n := len(t.Frames)
	last := t.Frames[n-1]
	gap = f - last
	x, y = t.X[n-1], t.Y[n-1]
	if n >= 2 {
		dt := float64(last - t.Frames[n-2])
		vx, vy := (t.X[n-1]-t.X[n-2])/dt, (t.Y[n-1]-t.Y[n-2])/dt
		x += vx * float64(gap)
		y += vy * float64(gap)
	}
	return x, y, gap
}

// assign returns for each row the column it is paired with (-1 for none),
// minimising the summed finite cost with as many pairs as possible (an
// unpaired row or column costs more than any allowed pair).
func assign(cost [][]float64, cols int) []int {
	rows := len(cost)
	match := make([]int, rows)
	for i := range match {
		match[i] = -1
	}
	if rows == 0 || cols == 0 {
		return match
	}
	if rows > 7 || cols > 7 {
		return assignGreedy(cost, cols)
	}
	// Exhaustive search: penalty per unpaired row keeps pairing preferred.
	const unpaired = 1e9
	best := math.Inf(1)
	cur := make([]int, rows)
	taken := make([]bool, cols)
	var rec func(i int, acc float64)
	rec = func(i int, acc float64) {
		if acc >= best {
			return
		}
		if i == rows {
			best = acc
			copy(match, cur)
			return
		}
		for j := range cols {
			if !taken[j] && !math.IsInf(cost[i][j], 1) {
				taken[j], cur[i] = true, j
				rec(i+1, acc+cost[i][j])
				taken[j] = false
			}
		}
		cur[i] = -1
		rec(i+1, acc+unpaired)
	}
	rec(0, 0)
	return match
}

// assignGreedy pairs the globally closest row and column first.
func assignGreedy(cost [][]float64, cols int) []int {
	type pair struct {
		i, j int
		c    float64
	}
	var ps []pair
	for i, row := range cost {
		for j, c := range row {
			if !math.IsInf(c, 1) {
				ps = append(ps, pair{i, j, c})
			}
		}
	}
	slices.SortStableFunc(ps, func(a, b pair) int {
		if a.c < b.c {
			return -1
		}
		if a.c > b.c {
			return 1
		}
		return 0
	})
	match := make([]int, len(cost))
	for i := range match {
		match[i] = -1
	}
	usedC := make([]bool, cols)
	for _, p := range ps {
		if match[p.i] < 0 && !usedC[p.j] {
			match[p.i], usedC[p.j] = p.j, true
		}
	}
	return match
}
