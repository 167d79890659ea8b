package tensortest

import (
	"math"
	"testing"
)

func TestMeasure(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	cases := []struct {
		name     string
		got      []float32
		want     []float32
		abs, rel float64
		bad      int
		worstAt  int
		absAt    int
	}{
		{"identical, zero bound", []float32{1, 2, 0}, []float32{1, 2, 0}, 0, 0, 0, -1, -1},
		{"late difference, zero bound", []float32{1, 2, 3}, []float32{1, 2, 3.0000002}, 0, 0, 1, 2, 2},
		{"within abs", []float32{1, 2}, []float32{1.5, 2}, 0.5, 0, 0, 0, 0},
		{"beyond abs", []float32{1, 2}, []float32{1.5, 2}, 0.4, 0, 1, 0, 0},
		{"rel scales with want", []float32{100.5, 1.5}, []float32{100, 1}, 0, 0.01, 1, 1, 0},
		{"NaN got", []float32{nan, 1}, []float32{0, 1}, 1, 1, 1, 0, 0},
		{"Inf want matched", []float32{inf, nan}, []float32{inf, nan}, 0, 0, 0, -1, -1},
		{"Inf want missed", []float32{1e30, 0}, []float32{inf, 0}, 1, 1, 1, 0, 0},
	}
	for _, tc := range cases {
		s := Measure(tc.got, tc.want, tc.abs, tc.rel)
		if s.Bad != tc.bad || s.WorstAt != tc.worstAt || s.AbsAt != tc.absAt {
			t.Errorf("%s: bad %d worst at %d abs at %d, want %d %d %d",
				tc.name, s.Bad, s.WorstAt, s.AbsAt, tc.bad, tc.worstAt, tc.absAt)
		}
	}
}
