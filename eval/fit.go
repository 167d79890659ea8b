package eval

import (
	"math"

	"github.com/lockstep-av/lockstep/internal/linfit"
)

// fitParabola fits v = a + b t + c t² to the points and returns R² =
// 1 - SSres/SStot (ok false for fewer than 4 points, a singular system or
// SStot = 0).
func fitParabola(t, v []float64) (r2 float64, ok bool) {
	if len(t) < 4 {
		return 0, false
	}
	t0 := t[0]
	a := make([][]float64, len(t))
	var mean float64
	for i, ti := range t {
		dt := ti - t0
		a[i] = []float64{1, dt, dt * dt}
		mean += v[i]
	}
	mean /= float64(len(v))
	_, sse, ok := linfit.LeastSquares(a, v)
	if !ok {
		return 0, false
	}
	var sst float64
	for _, vi := range v {
		sst += (vi - mean) * (vi - mean)
	}
	if sst == 0 {
		return 0, false
	}
	return 1 - sse/sst, true
}

// sidesFit is the joint fit of two motion segments meeting at an impact: on
// the left v = aL + bL t + c t², on the right v = aR + bR t + c t², t relative
// to T0.
type sidesFit struct {
	T0, AL, BL, AR, BR, C, SSE float64
	ok                         bool
}

// fitSides fits the two sides with a shared curvature when there are at least
// five points, else with straight lines (c = 0) when each side has two.
func fitSides(tl, vl, tr, vr []float64, t0 float64) sidesFit {
	curved := len(tl)+len(tr) >= 5
	if len(tl) < 2 || len(tr) < 2 {
		return sidesFit{}
	}
	var a [][]float64
	var y []float64
	for i, t := range tl {
		dt := t - t0
		row := []float64{1, dt, 0, 0}
		if curved {
			row = append(row, dt*dt)
		}
		a, y = append(a, row), append(y, vl[i])
	}
	for i, t := range tr {
		dt := t - t0
		row := []float64{0, 0, 1, dt}
		if curved {
			row = append(row, dt*dt)
		}
		a, y = append(a, row), append(y, vr[i])
	}
	p, sse, ok := linfit.LeastSquares(a, y)
	if !ok {
		return sidesFit{}
	}
	f := sidesFit{T0: t0, AL: p[0], BL: p[1], AR: p[2], BR: p[3], SSE: sse, ok: true}
	if curved {
		f.C = p[4]
	}
	return f
}

// meet returns the time (absolute) at which the two sides intersect, ok
// false when they are parallel.
func (f sidesFit) meet() (float64, bool) {
	db := f.BL - f.BR
	if math.Abs(db) < 1e-12 {
		return 0, false
	}
	return f.T0 + (f.AR-f.AL)/db, true
}

// at returns the left and right values and velocities at absolute time t.
func (f sidesFit) at(t float64) (vl, vr, velL, velR float64) {
	dt := t - f.T0
	return f.AL + f.BL*dt + f.C*dt*dt, f.AR + f.BR*dt + f.C*dt*dt, f.BL + 2*f.C*dt, f.BR + 2*f.C*dt
}
