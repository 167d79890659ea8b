package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// refAttention is softmax(q·kᵀ·scale + mask)·v in float64 with the whole
// score row materialised; k, v and mask broadcast by size-1 axes.
func refAttention(q, k, v, mask []float32, qs, ks, vs, mshape []int, scale float64) []float64 {
	bsz, heads, sq, d := qs[0], qs[1], qs[2], qs[3]
	sk, dv := ks[2], vs[3]
	at := func(s []int, i ...int) int { // broadcast offset of index i into shape s
		off := 0
		lead := len(i) - len(s)
		for a, n := range s {
			idx := i[lead+a]
			if n == 1 {
				idx = 0
			}
			off = off*n + idx
		}
		return off
	}
	out := make([]float64, bsz*heads*sq*dv)
	row := make([]float64, sk)
	for b := range bsz {
		for h := range heads {
			for i := range sq {
				mx := math.Inf(-1)
				for j := range sk {
					s := 0.0
					for e := range d {
						s += float64(q[at(qs, b, h, i, e)]) * float64(k[at(ks, b, h, j, e)])
					}
					s *= scale
					if mask != nil {
						s += float64(mask[at(mshape, b, h, i, j)])
					}
					row[j] = s
					mx = math.Max(mx, s)
				}
				sum := 0.0
				for j := range row {
					row[j] = math.Exp(row[j] - mx)
					sum += row[j]
				}
				for e := range dv {
					acc := 0.0
					for j := range sk {
						acc += row[j] * float64(v[at(vs, b, h, j, e)])
					}
					out[((b*heads+h)*sq+i)*dv+e] = acc / sum
				}
			}
		}
	}
	return out
}

type attnCase struct {
	name          string
	q, k, v, mask []int
	maskKind      string // "", "causal", "random", "keypad", "fullrow"
}

var attnCases = []attnCase{
	{name: "plain", q: []int{2, 3, 5, 8}, k: []int{2, 3, 5, 8}, v: []int{2, 3, 5, 8}},
	{name: "sq!=sk dv!=d", q: []int{1, 2, 7, 16}, k: []int{1, 2, 19, 16}, v: []int{1, 2, 19, 6}},
	{name: "causal mask", q: []int{1, 2, 70, 8}, k: []int{1, 2, 70, 8}, v: []int{1, 2, 70, 8}, mask: []int{70, 70}, maskKind: "causal"},
	{name: "random mask full rank", q: []int{2, 2, 9, 4}, k: []int{2, 2, 13, 4}, v: []int{2, 2, 13, 5}, mask: []int{2, 2, 9, 13}, maskKind: "random"},
	{name: "key padding mask", q: []int{2, 3, 6, 8}, k: []int{2, 3, 300, 8}, v: []int{2, 3, 300, 8}, mask: []int{2, 1, 1, 300}, maskKind: "keypad"},
	{name: "broadcast kv heads", q: []int{1, 4, 6, 8}, k: []int{1, 1, 9, 8}, v: []int{1, 1, 9, 3}},
	{name: "fully masked row", q: []int{1, 1, 4, 4}, k: []int{1, 1, 600, 4}, v: []int{1, 1, 600, 4}, mask: []int{1, 4, 600}, maskKind: "fullrow"},
	{name: "long 1100 keys", q: []int{1, 2, 130, 32}, k: []int{1, 2, 1100, 32}, v: []int{1, 2, 1100, 24}, mask: []int{130, 1100}, maskKind: "random"},
	{name: "several full query blocks", q: []int{1, 1, 1100, 16}, k: []int{1, 1, 700, 16}, v: []int{1, 1, 700, 8}},
}

// attnInputs returns random operands for a case; masks use -Inf entries.
func attnInputs(i int, tc attnCase) (q, k, v, mask []float32) {
	rng := rand.New(rand.NewPCG(uint64(i), 5))
	q = spRand(rng, backend.NumElements(tc.q))
	k = spRand(rng, backend.NumElements(tc.k))
	v = spRand(rng, backend.NumElements(tc.v))
	for j := range q {
		q[j] *= 3 // spread the softmax so the rescaling matters
	}
	if tc.mask == nil {
		return
	}
	mask = make([]float32, backend.NumElements(tc.mask))
	inf := float32(math.Inf(-1))
	cols := tc.mask[len(tc.mask)-1]
	for j := range mask {
		r, c := j/cols, j%cols
		switch tc.maskKind {
		case "causal":
			if c > r%tc.mask[len(tc.mask)-2] {
				mask[j] = inf
			}
		case "random":
			mask[j] = 2*rng.Float32() - 1
			if rng.IntN(3) == 0 && c != 0 {
				mask[j] = inf
			}
		case "keypad":
			if c >= cols-37*(r+1) {
				mask[j] = inf
			}
		case "fullrow":
			if r == 1 || (r == 2 && c < 500) {
				mask[j] = inf
			}
		}
	}
	return
}

func runAttention(c backend.Context, tc attnCase, q, k, v, mask []float32, scale float32) backend.Tensor {
	var mt backend.Tensor
	if mask != nil {
		mt = c.Constant(mask, tc.mask...)
	}
	return backend.Attention(c, c.Constant(q, tc.q...), c.Constant(k, tc.k...), c.Constant(v, tc.v...), mt, scale)
}

func TestAttentionReference(t *testing.T) {
	for i, tc := range attnCases {
		t.Run(tc.name, func(t *testing.T) {
			q, k, v, mask := attnInputs(i, tc)
			scale := float32(1 / math.Sqrt(float64(tc.q[3])))
			b := New(3)
			got := b.Float32(runAttention(b.NewContext(), tc, q, k, v, mask, scale))
			want := refAttention(q, k, v, mask, tc.q, tc.k, tc.v, tc.mask, float64(scale))
			spCheck(t, tc.name, got, want, 2e-6, 2e-5)
			if tc.maskKind == "fullrow" && !math.IsNaN(float64(got[4])) {
				t.Errorf("fully masked row gives %v, want NaN", got[4])
			}
			for _, th := range []int{1, 2, 5} {
				bt := New(th)
				again := bt.Float32(runAttention(bt.NewContext(), tc, q, k, v, mask, scale))
				spSame(t, fmt.Sprintf("%s threads=%d", tc.name, th), got, again)
			}
		})
	}
}

func TestAttentionMatchesComposed(t *testing.T) {
	for i, tc := range attnCases {
		if tc.maskKind == "fullrow" {
			continue // NaN rows are checked against the reference
		}
		t.Run(tc.name, func(t *testing.T) {
			q, k, v, mask := attnInputs(i, tc)
			c := New(2).NewContext()
			fast := c.Backend().Float32(runAttention(c, tc, q, k, v, mask, 0.3))
			spComposed(t, func() {
				slow := c.Backend().Float32(runAttention(backend.WithoutFastPaths(c), tc, q, k, v, mask, 0.3))
				want := make([]float64, len(slow))
				for j, s := range slow {
					want[j] = float64(s)
				}
				spCheck(t, tc.name, fast, want, 1e-5, 1e-4)
			})
		})
	}
}

func TestAttentionShapeErrors(t *testing.T) {
	c := New(1).newContext()
	q := c.Zeros(1, 2, 3, 4)
	spExpectShapePanic(t, "rank", func() { c.Attention(c.Zeros(2, 3, 4), q, q, nil, 1) })
	spExpectShapePanic(t, "feature size", func() { c.Attention(q, c.Zeros(1, 2, 3, 5), q, nil, 1) })
	spExpectShapePanic(t, "kv length", func() { c.Attention(q, q, c.Zeros(1, 2, 4, 4), nil, 1) })
	spExpectShapePanic(t, "heads", func() { c.Attention(q, c.Zeros(1, 3, 3, 4), c.Zeros(1, 3, 3, 4), nil, 1) })
	spExpectShapePanic(t, "mask", func() { c.Attention(q, q, q, c.Zeros(2, 3), 1) })
}

func TestAttnExp(t *testing.T) {
	maxRel := 0.0
	for x := float32(-87.3); x < 88; x += 0.0137 {
		want := math.Exp(float64(x))
		rel := math.Abs(float64(attnExp(x))-want) / want
		maxRel = math.Max(maxRel, rel)
	}
	if maxRel > 3e-7 {
		t.Errorf("attnExp max rel err %.3g > 3e-7", maxRel)
	}
	if e := attnExp(float32(math.Inf(-1))); e != 0 {
		t.Errorf("attnExp(-Inf) = %v", e)
	}
	if e := attnExp(0); e != 1 {
		t.Errorf("attnExp(0) = %v", e)
	}
	if e := attnExp(float32(math.NaN())); !math.IsNaN(float64(e)) {
		t.Errorf("attnExp(NaN) = %v", e)
	}
}
