package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// coreReduceRef reduces x of shape along axis in float64.
func coreReduceRef(op backend.ReduceOp, x []float32, shape []int, axis int) []float64 {
	outer, n, inner := splitAxis(shape, axis)
	out := make([]float64, outer*inner)
	for o := range outer {
		for i := range inner {
			var s float64
			switch op {
			case backend.Max:
				s = math.Inf(-1)
			case backend.Min:
				s = math.Inf(1)
			}
			for j := range n {
				v := float64(x[(o*n+j)*inner+i])
				switch op {
				case backend.Sum, backend.Mean:
					s += v
				case backend.Max:
					s = math.Max(s, v)
				case backend.Min:
					s = math.Min(s, v)
				}
			}
			if op == backend.Mean {
				s /= float64(n)
			}
			out[o*inner+i] = s
		}
	}
	return out
}

var coreAxisCases = []struct {
	shape []int
	axis  int
}{
	{[]int{7, 13}, -1},
	{[]int{7, 13}, 0},
	{[]int{3, 5, 7}, 1},
	{[]int{2, 3, 300}, 1}, // inner wider than one block
	{[]int{1000, 33}, 1},
	{[]int{33, 1000}, 0},
	{[]int{4, 1, 6}, 1},
	{[]int{11}, 0},
}

func TestReduce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, threads := range []int{1, 2} {
		c := New(threads).newContext()
		for _, tc := range coreAxisCases {
			x := coreRand(rng, backend.NumElements(tc.shape), 4)
			ax := backend.NormAxis("test", tc.axis, len(tc.shape))
			for _, op := range []backend.ReduceOp{backend.Sum, backend.Mean, backend.Max, backend.Min} {
				for _, keep := range []bool{false, true} {
					name := fmt.Sprintf("threads%d/op%d/%v axis %d keep %v", threads, op, tc.shape, tc.axis, keep)
					got := c.Reduce(op, c.Constant(x, tc.shape...), tc.axis, keep)
					want := append([]int{}, tc.shape[:ax]...)
					if keep {
						want = append(want, 1)
					}
					want = append(want, tc.shape[ax+1:]...)
					if fmt.Sprint(got.Shape()) != fmt.Sprint(want) {
						t.Fatalf("%s: shape %v, want %v", name, got.Shape(), want)
					}
					// float64 accumulation: only the final rounding remains.
					coreCheck(t, name, c.b.Float32(got), coreReduceRef(op, x, tc.shape, ax), 1e-6, 1.2e-7)
				}
			}
		}
	}
	c := New(1).newContext()
	coreShapePanic(t, "Reduce bad axis", func() { c.Reduce(backend.Sum, c.Zeros(2, 3), 2, false) })
	coreShapePanic(t, "Max of empty", func() { c.Reduce(backend.Max, c.Zeros(2, 0), 1, false) })
}

func TestSoftmax(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, threads := range []int{1, 3} {
		c := New(threads).newContext()
		for _, tc := range coreAxisCases {
			x := coreRand(rng, backend.NumElements(tc.shape), 20)
			ax := backend.NormAxis("test", tc.axis, len(tc.shape))
			outer, n, inner := splitAxis(tc.shape, ax)
			want := make([]float64, len(x))
			for o := range outer {
				for i := range inner {
					m := math.Inf(-1)
					for j := range n {
						m = math.Max(m, float64(x[(o*n+j)*inner+i]))
					}
					var s float64
					for j := range n {
						s += math.Exp(float64(x[(o*n+j)*inner+i]) - m)
					}
					for j := range n {
						k := (o*n+j)*inner + i
						want[k] = math.Exp(float64(x[k])-m) / s
					}
				}
			}
			got := c.b.Float32(c.Softmax(c.Constant(x, tc.shape...), tc.axis))
			coreCheck(t, fmt.Sprintf("threads%d/%v axis %d", threads, tc.shape, tc.axis), got, want, 1e-30, 4e-7)
		}
	}
	// Empty tensors give empty results.
	c0 := New(2).newContext()
	for _, shape := range [][]int{{0, 3}, {3, 0}, {2, 3, 0}} {
		for _, ax := range []int{0, -1} {
			if got := c0.Softmax(c0.Zeros(shape...), ax); backend.NumElements(got.Shape()) != 0 {
				t.Errorf("Softmax of %v: shape %v", shape, got.Shape())
			}
			c0.Reduce(backend.Sum, c0.Zeros(shape...), ax, true)
		}
	}
	// A masked (-Inf) entry gets probability 0; huge logits do not overflow.
	c := New(1).newContext()
	got := c.b.Float32(c.Softmax(c.Constant([]float32{float32(math.Inf(-1)), 1000, 1000}, 3), 0))
	coreCheck(t, "masked", got, []float64{0, 0.5, 0.5}, 0, 0)
}
