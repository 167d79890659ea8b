package cpu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

func TestReshape(t *testing.T) {
	b := New(1)
	c := b.newContext()
	x := c.Constant([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	y := c.Reshape(x, -1, 2)
	if fmt.Sprint(y.Shape()) != "[3 2]" {
		t.Fatalf("Reshape(-1, 2) shape %v", y.Shape())
	}
	if &tensorOf("", y).data[0] != &tensorOf("", x).data[0] {
		t.Error("Reshape copied the data; want a view")
	}
	h, _ := coreHalf(t, b, backend.F16, []float32{1, 2, 3, 4}, 4)
	hr := c.Reshape(h, 2, 2)
	if hr.DType() != backend.F16 || &tensorOf("", hr).raw[0] != &tensorOf("", h).raw[0] {
		t.Error("Reshape of F16 did not keep the raw storage")
	}
	coreSame(t, "F16 reshape values", b.Float32(hr), []float32{1, 2, 3, 4})
	coreShapePanic(t, "size mismatch", func() { c.Reshape(x, 4, 2) })
	coreShapePanic(t, "two -1", func() { c.Reshape(x, -1, -1) })
	coreShapePanic(t, "-1 not dividing", func() { c.Reshape(x, -1, 4) })
}

func TestPermute(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	cases := []struct{ shape, axes []int }{
		{[]int{3, 4}, []int{1, 0}},
		{[]int{2, 3, 4}, []int{2, 0, 1}},
		{[]int{2, 3, 4}, []int{0, 2, 1}},
		{[]int{2, 3, 4, 5}, []int{3, 1, 0, 2}},
		{[]int{2, 3, 4, 5, 3}, []int{0, 3, 1, 4, 2}},
		{[]int{64, 300}, []int{1, 0}},            // tiled transpose
		{[]int{3, 40, 5, 33}, []int{3, 0, 2, 1}}, // tiled, planes over two axes
		{[]int{2, 50, 9, 12}, []int{0, 3, 2, 1}}, // tiled, odd tile edges
		{[]int{5, 7}, []int{0, 1}},
	}
	for _, threads := range []int{1, 3} {
		c := New(threads).newContext()
		for _, tc := range cases {
			x := coreRand(rng, backend.NumElements(tc.shape), 1)
			got := c.Permute(c.Constant(x, tc.shape...), tc.axes...)
			oshape := make([]int, len(tc.axes))
			for i, a := range tc.axes {
				oshape[i] = tc.shape[a]
			}
			want := make([]float64, len(x))
			for i := range want {
				oi := coreUnravel(i, oshape)
				ii := make([]int, len(oi))
				for d, a := range tc.axes {
					ii[a] = oi[d]
				}
				want[i] = float64(x[coreIndex(ii, tc.shape, tc.shape)])
			}
			name := fmt.Sprintf("threads%d/%v %v", threads, tc.shape, tc.axes)
			if fmt.Sprint(got.Shape()) != fmt.Sprint(oshape) {
				t.Fatalf("%s: shape %v want %v", name, got.Shape(), oshape)
			}
			coreCheck(t, name, c.b.Float32(got), want, 0, 0)
		}
	}
	c := New(1).newContext()
	coreShapePanic(t, "repeated axis", func() { c.Permute(c.Zeros(2, 3), 0, 0) })
	coreShapePanic(t, "wrong count", func() { c.Permute(c.Zeros(2, 3), 0) })
}

func TestSliceConcat(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	c := New(2).newContext()
	shape := []int{3, 4, 5}
	x := coreRand(rng, 60, 1)
	xt := c.Constant(x, shape...)
	for _, tc := range []struct{ axis, start, end int }{{0, 1, 3}, {1, 0, 2}, {-1, 2, 5}, {-2, 3, 3}, {2, 0, 5}} {
		got := c.Slice(xt, tc.axis, tc.start, tc.end)
		ax := backend.NormAxis("", tc.axis, 3)
		oshape := append([]int{}, shape...)
		oshape[ax] = tc.end - tc.start
		var want []float64
		for i := range backend.NumElements(oshape) {
			idx := coreUnravel(i, oshape)
			idx[ax] += tc.start
			want = append(want, float64(x[coreIndex(idx, shape, shape)]))
		}
		coreCheck(t, fmt.Sprintf("Slice%v", tc), c.b.Float32(got), want, 0, 0)
		// Concatenating the pieces around the slice restores x.
		parts := []backend.Tensor{c.Slice(xt, tc.axis, 0, tc.start), got, c.Slice(xt, tc.axis, tc.end, shape[ax])}
		coreSame(t, fmt.Sprintf("Concat%v", tc), c.b.Float32(c.Concat(tc.axis, parts...)), x)
	}
	coreShapePanic(t, "Slice out of range", func() { c.Slice(xt, 0, 2, 4) })
	coreShapePanic(t, "Concat mismatch", func() { c.Concat(0, c.Zeros(2, 3), c.Zeros(2, 4)) })
}

func TestPad(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	cases := []struct {
		shape, before, after []int
	}{
		{[]int{7}, []int{3}, []int{2}},
		{[]int{3, 5}, []int{1, 2}, []int{2, 4}},
		{[]int{2, 3, 4}, []int{0, 2, 1}, []int{1, 0, 3}},
		{[]int{2, 3, 4, 5}, []int{1, 1, 0, 2}, []int{0, 2, 3, 1}},
		{[]int{1, 2, 200}, []int{0, 1, 100}, []int{1, 1, 199}},
	}
	for _, threads := range []int{1, 2} {
		c := New(threads).newContext()
		for _, tc := range cases {
			x := coreRand(rng, backend.NumElements(tc.shape), 1)
			for _, mode := range []backend.PadMode{backend.PadConstant, backend.PadReplicate, backend.PadReflect} {
				name := fmt.Sprintf("threads%d/%v %v %v mode %d", threads, tc.shape, tc.before, tc.after, mode)
				reflectOK := true
				oshape := make([]int, len(tc.shape))
				for d := range oshape {
					oshape[d] = tc.shape[d] + tc.before[d] + tc.after[d]
					reflectOK = reflectOK && tc.before[d] < tc.shape[d] && tc.after[d] < tc.shape[d]
				}
				if mode == backend.PadReflect && !reflectOK {
					coreShapePanic(t, name, func() { c.Pad(c.Constant(x, tc.shape...), tc.before, tc.after, mode, 0) })
					continue
				}
				got := c.Pad(c.Constant(x, tc.shape...), tc.before, tc.after, mode, 2.5)
				want := make([]float64, backend.NumElements(oshape))
				for i := range want {
					idx := coreUnravel(i, oshape)
					inside := true
					for d := range idx {
						j, n := idx[d]-tc.before[d], tc.shape[d]
						switch {
						case j >= 0 && j < n:
						case mode == backend.PadConstant:
							inside = false
						case mode == backend.PadReplicate:
							j = min(max(j, 0), n-1)
						case j < 0:
							j = -j
						default:
							j = 2*n - 2 - j
						}
						idx[d] = j
					}
					want[i] = 2.5
					if inside {
						want[i] = float64(x[coreIndex(idx, tc.shape, tc.shape)])
					}
				}
				coreCheck(t, name, c.b.Float32(got), want, 0, 0)
			}
		}
	}
	c := New(1).newContext()
	coreShapePanic(t, "Pad rank", func() { c.Pad(c.Zeros(2, 3), []int{1}, []int{1}, backend.PadConstant, 0) })
}

func TestEmbedding(t *testing.T) {
	b := New(2)
	c := b.newContext()
	rng := rand.New(rand.NewPCG(37, 38))
	v, d := 50, 9
	tab := coreRand(rng, v*d, 1)
	ids := []int{3, 0, 49, 3, 17}
	want := make([]float64, 0, len(ids)*d)
	for _, id := range ids {
		want = append(want, coreF64(tab[id*d:(id+1)*d])...)
	}
	coreCheck(t, "Embedding F32", b.Float32(c.Embedding(c.Constant(tab, v, d), ids)), want, 0, 0)
	for _, dt := range []backend.DType{backend.F16, backend.BF16} {
		h, hv := coreHalf(t, b, dt, tab, v, d)
		want = want[:0]
		for _, id := range ids {
			want = append(want, coreF64(hv[id*d:(id+1)*d])...)
		}
		coreCheck(t, "Embedding "+dt.String(), b.Float32(c.Embedding(h, ids)), want, 0, 0)
	}
	se := coreShapePanic(t, "Embedding out of range", func() { c.Embedding(c.Constant(tab, v, d), []int{1, 50}) })
	if se != nil && !strings.Contains(se.Error(), "id 50 at position 1") {
		t.Errorf("Embedding error %q does not name the id and position", se)
	}
}
