package cpu

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// spRand returns n uniform values in [-1, 1).
func spRand(rng *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = 2*rng.Float32() - 1
	}
	return out
}

// spCheck fails t when any |got-want| > atol + rtol·|want| (NaN must match
// NaN), printing the maximum absolute and relative errors and where.
func spCheck(t *testing.T, name string, got []float32, want []float64, atol, rtol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	maxAbs, maxRel, iAbs, iRel, bad := 0.0, 0.0, -1, -1, -1
	for i, g := range got {
		w := want[i]
		if math.IsNaN(w) || math.IsNaN(float64(g)) {
			if math.IsNaN(w) != math.IsNaN(float64(g)) && bad < 0 {
				bad = i
			}
			continue
		}
		d := math.Abs(float64(g) - w)
		if d > maxAbs {
			maxAbs, iAbs = d, i
		}
		if r := d / math.Max(math.Abs(w), 1e-30); r > maxRel && math.Abs(w) > atol {
			maxRel, iRel = r, i
		}
		if d > atol+rtol*math.Abs(w) && bad < 0 {
			bad = i
		}
	}
	t.Logf("%s: max abs err %.3g at %d, max rel err %.3g at %d", name, maxAbs, iAbs, maxRel, iRel)
	if bad >= 0 {
		t.Errorf("%s: mismatch at %d: got %v want %v; max abs err %.3g at %d, max rel err %.3g at %d",
			name, bad, got[bad], want[bad], maxAbs, iAbs, maxRel, iRel)
	}
}

// spSame fails t unless a and b are bit-identical.
func spSame(t *testing.T, name string, a, b []float32) {
	t.Helper()
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("%s: not bit-identical at %d: %v vs %v", name, i, a[i], b[i])
		}
	}
}

// spExpectShapePanic fails t unless fn panics with a *backend.ShapeError.
func spExpectShapePanic(t *testing.T, name string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		err, _ := r.(error)
		var se *backend.ShapeError
		if !errors.As(err, &se) {
			t.Errorf("%s: want a *backend.ShapeError panic, got %v", name, r)
		}
	}()
	fn()
}

// spComposed runs fn, which uses composed (core-op) layers, and skips t
// while those core ops are still placeholders that panic "todo".
func spComposed(t *testing.T, fn func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			if s, ok := r.(string); ok && s == "todo" {
				t.Skip("core ops not implemented yet")
			}
			panic(r)
		}
	}()
	fn()
}

// refConv is a float64 N-d convolution on an explicitly padded input.
func refConv(x []float32, xs []int, w []float32, ws []int, bias []float32, p backend.ConvParams) ([]float64, []int) {
	nd := len(ws) - 2
	// Lift to 3 spatial axes.
	lift := func(s []int, def int) [3]int {
		r := [3]int{def, def, def}
		for i := range nd {
			if s != nil {
				r[3-nd+i] = s[i]
			}
		}
		return r
	}
	in, k := lift(xs[2:], 1), lift(ws[2:], 1)
	st, dl := lift(p.Stride, 1), lift(p.Dilation, 1)
	pb, pa := lift(p.PadBefore, 0), lift(p.PadAfter, 0)
	groups := max(p.Groups, 1)
	bsz, cin, cout := xs[0], xs[1], ws[0]
	cinG, coutG := cin/groups, cout/groups
	var pd, od [3]int
	for a := range 3 {
		pd[a] = in[a] + pb[a] + pa[a]
		od[a] = (pd[a]-dl[a]*(k[a]-1)-1)/st[a] + 1
	}
	src := func(i, n int) int { // padded index -> input index or -1
		switch {
		case i >= 0 && i < n:
			return i
		case p.PadMode == backend.PadReplicate:
			return min(max(i, 0), n-1)
		case p.PadMode == backend.PadReflect && i < 0:
			return -i
		case p.PadMode == backend.PadReflect:
			return 2*(n-1) - i
		}
		return -1
	}
	padded := make([]float64, bsz*cin*pd[0]*pd[1]*pd[2])
	for b := range bsz * cin {
		for z := range pd[0] {
			for y := range pd[1] {
				for xx := range pd[2] {
					zi, yi, xi := src(z-pb[0], in[0]), src(y-pb[1], in[1]), src(xx-pb[2], in[2])
					if zi < 0 || yi < 0 || xi < 0 {
						continue
					}
					padded[((b*pd[0]+z)*pd[1]+y)*pd[2]+xx] = float64(x[((b*in[0]+zi)*in[1]+yi)*in[2]+xi])
				}
			}
		}
	}
	out := make([]float64, bsz*cout*od[0]*od[1]*od[2])
	for b := range bsz {
		for co := range cout {
			grp := co / coutG
			for z := range od[0] {
				for y := range od[1] {
					for xx := range od[2] {
						s := 0.0
						if bias != nil {
							s = float64(bias[co])
						}
						for ci := range cinG {
							c := grp*cinG + ci
							for kz := range k[0] {
								for ky := range k[1] {
									for kx := range k[2] {
										pz, py, px := z*st[0]+kz*dl[0], y*st[1]+ky*dl[1], xx*st[2]+kx*dl[2]
										xv := padded[(((b*cin+c)*pd[0]+pz)*pd[1]+py)*pd[2]+px]
										wv := float64(w[(((co*cinG+ci)*k[0]+kz)*k[1]+ky)*k[2]+kx])
										s += xv * wv
									}
								}
							}
						}
						out[(((b*cout+co)*od[0]+z)*od[1]+y)*od[2]+xx] = s
					}
				}
			}
		}
	}
	shape := append([]int{bsz, cout}, od[3-nd:]...)
	return out, shape
}

type convCase struct {
	name   string
	x, w   []int
	bias   bool
	p      backend.ConvParams
	wdtype backend.DType
}

var convCases = []convCase{
	{name: "1d", x: []int{2, 3, 11}, w: []int{4, 3, 3}, bias: true, p: backend.ConvParams{PadBefore: []int{1}, PadAfter: []int{1}}},
	{name: "1d stride2 dil2 odd", x: []int{1, 4, 17}, w: []int{6, 4, 3}, p: backend.ConvParams{Stride: []int{2}, Dilation: []int{2}, PadBefore: []int{2}, PadAfter: []int{1}}},
	{name: "1d stride3 leftover", x: []int{2, 2, 14}, w: []int{3, 2, 4}, bias: true, p: backend.ConvParams{Stride: []int{3}}},
	{name: "1d causal replicate", x: []int{1, 3, 9}, w: []int{5, 3, 4}, bias: true, p: backend.ConvParams{PadBefore: []int{3}, PadAfter: []int{0}, PadMode: backend.PadReplicate}},
	{name: "1d causal zero dil2", x: []int{2, 3, 10}, w: []int{2, 3, 3}, p: backend.ConvParams{Dilation: []int{2}, PadBefore: []int{4}, PadAfter: []int{0}}},
	{name: "1d groups2", x: []int{2, 4, 10}, w: []int{6, 2, 3}, bias: true, p: backend.ConvParams{Groups: 2, PadBefore: []int{1}, PadAfter: []int{1}}},
	{name: "1d reflect", x: []int{1, 2, 8}, w: []int{2, 2, 5}, p: backend.ConvParams{PadBefore: []int{2}, PadAfter: []int{2}, PadMode: backend.PadReflect}},
	{name: "1d depthwise multiplier causal", x: []int{2, 3, 12}, w: []int{6, 1, 5}, bias: true, p: backend.ConvParams{Groups: 3, PadBefore: []int{4}, PadAfter: []int{0}, PadMode: backend.PadReplicate}},
	{name: "1d one input channel stride2", x: []int{1, 1, 20}, w: []int{4, 1, 7}, bias: true, p: backend.ConvParams{Stride: []int{2}, PadBefore: []int{3}, PadAfter: []int{3}}},
	{name: "2d", x: []int{2, 3, 9, 7}, w: []int{5, 3, 3, 3}, bias: true, p: backend.ConvParams{Stride: []int{2, 1}, PadBefore: []int{1, 1}, PadAfter: []int{1, 1}}},
	{name: "2d depthwise", x: []int{1, 6, 8, 8}, w: []int{6, 1, 3, 3}, bias: true, p: backend.ConvParams{Groups: 6, PadBefore: []int{1, 1}, PadAfter: []int{1, 1}}},
	{name: "2d dil2 reflect", x: []int{1, 2, 9, 10}, w: []int{3, 2, 3, 3}, p: backend.ConvParams{Dilation: []int{2, 2}, PadBefore: []int{2, 2}, PadAfter: []int{2, 1}, PadMode: backend.PadReflect}},
	{name: "2d depthwise stride2 reflect", x: []int{1, 4, 9, 8}, w: []int{4, 1, 3, 3}, p: backend.ConvParams{Groups: 4, Stride: []int{2, 2}, PadBefore: []int{1, 1}, PadAfter: []int{1, 1}, PadMode: backend.PadReflect}},
	{name: "2d pointwise", x: []int{2, 8, 5, 5}, w: []int{6, 8, 1, 1}, bias: true},
	{name: "2d pointwise stride2", x: []int{1, 4, 7, 5}, w: []int{3, 4, 1, 1}, p: backend.ConvParams{Stride: []int{2, 2}}},
	{name: "2d f16 weights", x: []int{1, 3, 6, 6}, w: []int{4, 3, 3, 3}, bias: true, p: backend.ConvParams{PadBefore: []int{1, 1}, PadAfter: []int{1, 1}}, wdtype: backend.F16},
	{name: "2d bf16 weights", x: []int{1, 3, 6, 6}, w: []int{4, 3, 3, 3}, p: backend.ConvParams{PadBefore: []int{1, 1}, PadAfter: []int{1, 1}}, wdtype: backend.BF16},
	{name: "3d causal replicate", x: []int{1, 4, 5, 6, 7}, w: []int{3, 4, 3, 3, 3}, bias: true, p: backend.ConvParams{PadBefore: []int{2, 1, 1}, PadAfter: []int{0, 1, 1}, PadMode: backend.PadReplicate}},
	{name: "3d stride2 groups2", x: []int{2, 4, 5, 7, 6}, w: []int{4, 2, 2, 3, 3}, p: backend.ConvParams{Groups: 2, Stride: []int{1, 2, 2}, PadBefore: []int{0, 1, 1}, PadAfter: []int{0, 1, 0}}},
	{name: "3d depthwise dil2", x: []int{1, 3, 6, 7, 7}, w: []int{3, 1, 2, 3, 3}, p: backend.ConvParams{Groups: 3, Dilation: []int{1, 2, 2}, PadBefore: []int{1, 2, 2}, PadAfter: []int{0, 2, 2}}},
	{name: "3d many tiles", x: []int{1, 32, 6, 16, 16}, w: []int{8, 32, 3, 3, 3}, bias: true, p: backend.ConvParams{PadBefore: []int{2, 1, 1}, PadAfter: []int{0, 1, 1}, PadMode: backend.PadReplicate}},
}

// runConv runs one case on a backend with the given threads.
func runConv(threads int, tc convCase, x, w, bias []float32) ([]float32, []int, []float32) {
	c := New(threads).newContext()
	wt := c.Constant(w, tc.w...)
	if tc.wdtype != 0 {
		wt = c.Cast(wt, tc.wdtype)
	}
	var bt backend.Tensor
	if bias != nil {
		bt = c.Constant(bias, tc.w[0])
	}
	y := c.Conv(c.Constant(x, tc.x...), wt, bt, tc.p)
	return c.b.Float32(y), y.Shape(), c.b.Float32(wt)
}

func TestConvReference(t *testing.T) {
	for i, tc := range convCases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			x := spRand(rng, backend.NumElements(tc.x))
			w := spRand(rng, backend.NumElements(tc.w))
			var bias []float32
			if tc.bias {
				bias = spRand(rng, tc.w[0])
			}
			got, shape, wUsed := runConv(3, tc, x, w, bias)
			want, wantShape := refConv(x, tc.x, wUsed, tc.w, bias, tc.p)
			if fmt.Sprint(shape) != fmt.Sprint(wantShape) {
				t.Fatalf("shape %v, want %v", shape, wantShape)
			}
			spCheck(t, tc.name, got, want, 1e-5, 1e-4)
			for _, th := range []int{1, 2, 5} {
				again, _, _ := runConv(th, tc, x, w, bias)
				spSame(t, fmt.Sprintf("%s threads=%d", tc.name, th), got, again)
			}
		})
	}
}

func TestConvShapeErrors(t *testing.T) {
	c := New(1).newContext()
	x := c.Zeros(1, 4, 8)
	cases := []struct {
		name string
		fn   func()
	}{
		{"channel mismatch", func() { c.Conv(x, c.Zeros(2, 3, 3), nil, backend.ConvParams{}) }},
		{"groups mismatch", func() { c.Conv(x, c.Zeros(3, 2, 3), nil, backend.ConvParams{Groups: 2}) }},
		{"groups not dividing", func() { c.Conv(x, c.Zeros(2, 1, 3), nil, backend.ConvParams{Groups: 3}) }},
		{"kernel too large", func() { c.Conv(x, c.Zeros(2, 4, 9), nil, backend.ConvParams{}) }},
		{"dilated kernel too large", func() { c.Conv(x, c.Zeros(2, 4, 3), nil, backend.ConvParams{Dilation: []int{4}}) }},
		{"rank mismatch", func() { c.Conv(x, c.Zeros(2, 4, 3, 3), nil, backend.ConvParams{}) }},
		{"bias shape", func() { c.Conv(x, c.Zeros(2, 4, 3), c.Zeros(3), backend.ConvParams{}) }},
		{"param length", func() { c.Conv(x, c.Zeros(2, 4, 3), nil, backend.ConvParams{Stride: []int{1, 1}}) }},
		{"zero stride", func() { c.Conv(x, c.Zeros(2, 4, 3), nil, backend.ConvParams{Stride: []int{0}}) }},
		{"reflect too wide", func() {
			c.Conv(x, c.Zeros(2, 4, 3), nil, backend.ConvParams{PadBefore: []int{8}, PadAfter: []int{0}, PadMode: backend.PadReflect})
		}},
	}
	for _, tc := range cases {
		spExpectShapePanic(t, tc.name, tc.fn)
	}
}
