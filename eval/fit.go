package eval

import "math"

// lstsq solves the linear least squares problem min |A p - y|² through the
// normal equations (Gaussian elimination with partial pivoting, float64) and
// returns p and the residual sum of squares; ok is false when A has fewer
// rows than columns or is rank deficient.
func lstsq(a [][]float64, y []float64) (p []float64, sse float64, ok bool) {
	if len(a) == 0 {
		return nil, 0, false
	}
	n := len(a[0])
	if len(a) < n {
		return nil, 0, false
	}
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n+1)
	}
	for r, row := range a {
		for i := range n {
			for j := range n {
				m[i][j] += row[i] * row[j]
			}
			m[i][n] += row[i] * y[r]
		}
	}
	var scale float64
	for i := range n {
		scale = math.Max(scale, math.Abs(m[i][i]))
	}
	for col := range n {
		piv := col
		for r := col + 1; r < n; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[piv][col]) {
				piv = r
			}
		}
		if math.Abs(m[piv][col]) <= 1e-12*scale {
			return nil, 0, false
		}
		m[col], m[piv] = m[piv], m[col]
		for r := range n {
			if r == col {
				continue
			}
			f := m[r][col] / m[col][col]
			for c := col; c <= n; c++ {
				m[r][c] -= f * m[col][c]
			}
		}
	}
	p = make([]float64, n)
	for i := range n {
		p[i] = m[i][n] / m[i][i]
	}
	for r, row := range a {
		var v float64
		for i := range n {
			v += row[i] * p[i]
		}
		sse += (v - y[r]) * (v - y[r])
	}
	return p, sse, true
}

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
	_, sse, ok := lstsq(a, v)
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
	p, sse, ok := lstsq(a, y)
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
