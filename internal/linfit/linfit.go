package linfit

import "math"

// LeastSquares solves the linear least squares problem min |A p - y|² through the
// normal equations (Gaussian elimination with partial pivoting, float64) and
// returns p and the residual sum of squares; ok is false when A has fewer
// rows than columns or is rank deficient.
func LeastSquares(a [][]float64, y []float64) (p []float64, sse float64, ok bool) {
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
