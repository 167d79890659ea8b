package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// coreMatMulRef multiplies in float64, returning the product and, per
// element, Σ|a·b| (the scale of the rounding error).
func coreMatMulRef(a []float32, as []int, b []float32, bs []int, transA, transB bool) (want, mag []float64, shape []int) {
	ra, rb := len(as), len(bs)
	m, k := as[ra-2], as[ra-1]
	if transA {
		m, k = k, m
	}
	n := bs[rb-1]
	if transB {
		n = bs[rb-2]
	}
	batch, _ := backend.BroadcastShapes(as[:ra-2], bs[:rb-2])
	shape = append(append([]int{}, batch...), m, n)
	nb := backend.NumElements(batch)
	want = make([]float64, nb*m*n)
	mag = make([]float64, nb*m*n)
	for bi := range nb {
		idx := coreUnravel(bi, batch)
		oa := coreIndex(idx, as[:ra-2], batch) * m * k
		ob := coreIndex(idx, bs[:rb-2], batch) * k * n
		for i := range m {
			for j := range n {
				var s, q float64
				for p := range k {
					av := a[oa+i*k+p]
					if transA {
						av = a[oa+p*m+i]
					}
					bv := b[ob+p*n+j]
					if transB {
						bv = b[ob+j*k+p]
					}
					s += float64(av) * float64(bv)
					q += math.Abs(float64(av) * float64(bv))
				}
				want[(bi*m+i)*n+j], mag[(bi*m+i)*n+j] = s, q
			}
		}
	}
	return want, mag, shape
}

func TestMatMul(t *testing.T) {
	type tc struct {
		ba, bb         []int
		m, n, k        int
		transA, transB bool
		dt             backend.DType
	}
	var cases []tc
	for _, mnk := range [][3]int{{1, 1, 1}, {3, 5, 7}, {2, 4, 8}, {17, 9, 300}, {65, 70, 33}, {130, 259, 513}, {5, 1, 600}, {1, 64, 64}, {4, 3, 0}} {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				cases = append(cases, tc{nil, nil, mnk[0], mnk[1], mnk[2], ta, tb, backend.F32})
			}
		}
	}
	cases = append(cases,
		tc{[]int{3}, nil, 10, 11, 12, false, false, backend.F32},        // folded into M
		tc{[]int{2, 3}, []int{1}, 10, 11, 12, false, true, backend.F32}, // folded, b batch of 1
		tc{[]int{3}, nil, 10, 11, 12, true, false, backend.F32},         // transA: per batch
		tc{[]int{2, 1}, []int{3, 1, 1}, 7, 6, 5, false, false, backend.F32},
		tc{[]int{4, 3}, []int{3}, 9, 8, 20, true, true, backend.F32},
		tc{nil, []int{3}, 9, 8, 20, false, false, backend.F32},         // b batched, a not
		tc{[]int{40}, []int{40}, 16, 16, 16, false, true, backend.F32}, // many small products
		tc{nil, nil, 33, 70, 300, false, false, backend.F16},
		tc{nil, nil, 33, 70, 300, false, true, backend.F16},
		tc{nil, nil, 33, 70, 300, true, true, backend.BF16},
		tc{[]int{2}, nil, 9, 13, 17, false, false, backend.BF16},
		tc{[]int{2}, []int{2}, 9, 2100, 17, false, true, backend.F16}, // wider than one B slab
		tc{nil, nil, 9, 2100, 17, false, false, backend.F32},
	)
	rng := rand.New(rand.NewPCG(21, 22))
	for _, threads := range []int{1, 2, 5} {
		bk := New(threads)
		c := bk.newContext()
		for _, cs := range cases {
			as := append(append([]int{}, cs.ba...), cs.m, cs.k)
			if cs.transA {
				as = append(append([]int{}, cs.ba...), cs.k, cs.m)
			}
			bs := append(append([]int{}, cs.bb...), cs.k, cs.n)
			if cs.transB {
				bs = append(append([]int{}, cs.bb...), cs.n, cs.k)
			}
			av := coreRand(rng, backend.NumElements(as), 1)
			bv := coreRand(rng, backend.NumElements(bs), 1)
			var b backend.Tensor = c.Constant(bv, bs...)
			if cs.dt != backend.F32 {
				b, bv = coreHalf(t, bk, cs.dt, bv, bs...)
			}
			name := fmt.Sprintf("threads%d/%v×%v ta=%v tb=%v %v", threads, as, bs, cs.transA, cs.transB, cs.dt)
			got := c.MatMul(c.Constant(av, as...), b, cs.transA, cs.transB)
			want, mag, shape := coreMatMulRef(av, as, bv, bs, cs.transA, cs.transB)
			if fmt.Sprint(got.Shape()) != fmt.Sprint(shape) {
				t.Fatalf("%s: shape %v, want %v", name, got.Shape(), shape)
			}
			g := bk.Float32(got)
			worst, at := 0.0, -1
			for i := range want {
				// float32 sums of ≤ 256 terms per slab: a few ulps of Σ|a·b|.
				e := math.Abs(float64(g[i])-want[i]) / (mag[i] + 1e-30)
				if e > worst {
					worst, at = e, i
				}
			}
			if worst > 2e-6 {
				t.Errorf("%s: max error %.3g of Σ|a·b| at %d (got %v want %v)", name, worst, at, g[at], want[at])
			}
		}
	}
	c := New(1).newContext()
	coreShapePanic(t, "inner mismatch", func() { c.MatMul(c.Zeros(2, 3), c.Zeros(4, 5), false, false) })
	coreShapePanic(t, "batch mismatch", func() { c.MatMul(c.Zeros(2, 2, 3), c.Zeros(3, 3, 5), false, false) })
	coreShapePanic(t, "rank 1", func() { c.MatMul(c.Zeros(3), c.Zeros(3, 5), false, false) })
}

// TestSgemmAccumulate checks the serial entry point used by other kernels,
// with row strides larger than the matrices and accumulation into C.
func TestSgemmAccumulate(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	m, n, k, ld := 13, 11, 270, 300
	a, b := coreRand(rng, m*ld, 1), coreRand(rng, k*ld, 1)
	c0 := coreRand(rng, m*ld, 1)
	for _, acc := range []bool{false, true} {
		c := append([]float32(nil), c0...)
		sgemm(m, n, k, a, ld, false, b, ld, false, c, ld, acc)
		var want []float64
		var got []float32
		for i := range m {
			for j := range n {
				var s float64
				for p := range k {
					s += float64(a[i*ld+p]) * float64(b[p*ld+j])
				}
				if acc {
					s += float64(c0[i*ld+j])
				}
				want, got = append(want, s), append(got, c[i*ld+j])
			}
			for j := n; j < ld; j++ {
				if c[i*ld+j] != c0[i*ld+j] {
					t.Fatalf("sgemm wrote outside C at (%d, %d)", i, j)
				}
			}
		}
		coreCheck(t, fmt.Sprintf("sgemm acc=%v", acc), got, want, 2e-5, 2e-5)
	}
}
