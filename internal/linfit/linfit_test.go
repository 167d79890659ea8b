package linfit

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestLeastSquares(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 0))
	w := []float64{0.5, -1.25, 2, 0.125, 0.3}
	var a [][]float64
	var y []float64
	for range 40 {
		row := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), 1}
		s := 0.0
		for i := range row {
			s += w[i] * row[i]
		}
		a, y = append(a, row), append(y, s)
	}
	got, sse, ok := LeastSquares(a, y)
	if !ok {
		t.Fatal("well-posed system reported singular")
	}
	if sse > 1e-20 {
		t.Errorf("residual sum of squares %g for an exact fit", sse)
	}
	for i := range w {
		if math.Abs(got[i]-w[i]) > 1e-12 {
			t.Errorf("w[%d] = %.15g, want %g", i, got[i], w[i])
		}
	}
	if _, _, ok := LeastSquares([][]float64{{1, 2}, {2, 4}}, []float64{1, 2}); ok {
		t.Error("singular system solved")
	}
	if _, _, ok := LeastSquares([][]float64{{1, 2}}, []float64{1}); ok {
		t.Error("fewer rows than unknowns solved")
	}
}
