package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

func TestUpsampleNearest(t *testing.T) {
	cases := []struct {
		shape, scale []int
	}{
		{[]int{2, 3, 4}, []int{2}},
		{[]int{2, 3, 3, 5}, []int{2, 2}},
		{[]int{1, 2, 3, 4, 5}, []int{1, 2, 3}},
		{[]int{3, 2}, []int{3, 1}},
		{[]int{2, 3}, nil},
	}
	for i, tc := range cases {
		name := fmt.Sprint(tc.shape, tc.scale)
		rng := rand.New(rand.NewPCG(uint64(i), 3))
		x := spRand(rng, backend.NumElements(tc.shape))
		lead := len(tc.shape) - len(tc.scale)
		oshape := append([]int(nil), tc.shape...)
		for a, s := range tc.scale {
			oshape[lead+a] *= s
		}
		// Reference: unflatten every output index, divide the scaled axes.
		want := make([]float64, backend.NumElements(oshape))
		for o := range want {
			rem, src, mul := o, 0, 1
			for a := len(oshape) - 1; a >= 0; a-- {
				idx := rem % oshape[a]
				rem /= oshape[a]
				if a >= lead {
					idx /= tc.scale[a-lead]
				}
				src += idx * mul
				mul *= tc.shape[a]
			}
			want[o] = float64(x[src])
		}
		for _, th := range []int{1, 3} {
			c := New(th).newContext()
			y := c.UpsampleNearest(c.Constant(x, tc.shape...), tc.scale...)
			if fmt.Sprint(y.Shape()) != fmt.Sprint(oshape) {
				t.Fatalf("%s: shape %v, want %v", name, y.Shape(), oshape)
			}
			spCheck(t, name, c.b.Float32(y), want, 0, 0)
		}
	}
	c := New(1).newContext()
	spExpectShapePanic(t, "too many factors", func() { c.UpsampleNearest(c.Zeros(2, 3), 2, 2, 2) })
	spExpectShapePanic(t, "zero factor", func() { c.UpsampleNearest(c.Zeros(2, 3), 0) })
}
