package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// refRoPE rotates x [rows·S, D] with cos/sin [S, D/2] in float64.
func refRoPE(x, cos, sin []float32, s, d int, layout backend.RoPELayout) []float64 {
	out := make([]float64, len(x))
	h := d / 2
	for r := range len(x) / d {
		p := r % s
		for j := range h {
			ia, ib := j, j+h
			if layout == backend.RoPEInterleaved {
				ia, ib = 2*j, 2*j+1
			}
			a, b := float64(x[r*d+ia]), float64(x[r*d+ib])
			c, sn := float64(cos[p*h+j]), float64(sin[p*h+j])
			out[r*d+ia] = a*c - b*sn
			out[r*d+ib] = b*c + a*sn
		}
	}
	return out
}

func TestRoPE(t *testing.T) {
	cases := []struct {
		x      []int
		layout backend.RoPELayout
	}{
		{[]int{2, 3, 5, 8}, backend.RoPESplitHalf},
		{[]int{2, 3, 5, 8}, backend.RoPEInterleaved},
		{[]int{7, 2}, backend.RoPEInterleaved},
		{[]int{1, 4, 33, 64}, backend.RoPESplitHalf},
	}
	for i, tc := range cases {
		name := fmt.Sprint(tc.x, tc.layout)
		rng := rand.New(rand.NewPCG(uint64(i), 9))
		s, d := tc.x[len(tc.x)-2], tc.x[len(tc.x)-1]
		x := spRand(rng, backend.NumElements(tc.x))
		cos, sin := make([]float32, s*d/2), make([]float32, s*d/2)
		for j := range cos {
			a := float64(j/(d/2)) * math.Pow(100, -float64(j%(d/2))/float64(d/2))
			cos[j], sin[j] = float32(math.Cos(a)), float32(math.Sin(a))
		}
		want := refRoPE(x, cos, sin, s, d, tc.layout)
		c := New(3).NewContext()
		xt, ct, st := c.Constant(x, tc.x...), c.Constant(cos, s, d/2), c.Constant(sin, s, d/2)
		got := c.Backend().Float32(backend.RoPE(c, xt, ct, st, tc.layout))
		spCheck(t, name, got, want, 1e-6, 1e-6)
		spComposed(t, func() {
			slow := c.Backend().Float32(backend.RoPE(backend.WithoutFastPaths(c), xt, ct, st, tc.layout))
			w := make([]float64, len(slow))
			for j, v := range slow {
				w[j] = float64(v)
			}
			spCheck(t, name+" vs composed", got, w, 1e-6, 1e-6)
		})
	}
	c := New(1).newContext()
	spExpectShapePanic(t, "odd D", func() { c.RoPE(c.Zeros(2, 3), c.Zeros(2, 1), c.Zeros(2, 1), backend.RoPESplitHalf) })
	spExpectShapePanic(t, "cos width", func() { c.RoPE(c.Zeros(2, 4), c.Zeros(2, 1), c.Zeros(2, 1), backend.RoPESplitHalf) })
	spExpectShapePanic(t, "cos length", func() { c.RoPE(c.Zeros(3, 4), c.Zeros(2, 2), c.Zeros(2, 2), backend.RoPESplitHalf) })
}
