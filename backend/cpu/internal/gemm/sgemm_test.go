package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

// withKernel runs f once per kernel this CPU and build can run.
func withKernel(t *testing.T, f func(t *testing.T)) {
	saved := active
	defer func() { active = saved }()
	for _, k := range available() {
		active = k
		t.Run(k.name, f)
	}
}

// operands holds one test problem with strided, randomly filled storage.
type operands struct {
	m, n, k        int
	transA, transB bool
	accumulate     bool
	lda, ldb, ldc  int
	rowsA, colsA   int
	rowsB, colsB   int
	a, b, c        []float32
	initialC       []float32 // c before the call
	name           string
}

func newOperands(rng *rand.Rand, m, n, k int, transA, transB, accumulate bool, pad int) *operands {
	o := &operands{m: m, n: n, k: k, transA: transA, transB: transB, accumulate: accumulate}
	o.rowsA, o.colsA = m, k
	if transA {
		o.rowsA, o.colsA = k, m
	}
	o.rowsB, o.colsB = k, n
	if transB {
		o.rowsB, o.colsB = n, k
	}
	o.lda, o.ldb, o.ldc = o.colsA+pad, o.colsB+2*pad, n+3*pad
	fill := func(rows, ld int) []float32 {
		s := make([]float32, rows*ld)
		for i := range s {
			s[i] = float32(rng.NormFloat64())
		}
		return s
	}
	o.a, o.b, o.c = fill(o.rowsA, o.lda), fill(o.rowsB, o.ldb), fill(m, o.ldc)
	o.initialC = append([]float32(nil), o.c...)
	o.name = fmt.Sprintf("m%d_n%d_k%d_tA%v_tB%v_acc%v_pad%d", m, n, k, transA, transB, accumulate, pad)
	return o
}

func (o *operands) A(i, p int) float32 {
	if o.transA {
		return o.a[p*o.lda+i]
	}
	return o.a[i*o.lda+p]
}

func (o *operands) B(p, j int) float32 {
	if o.transB {
		return o.b[j*o.ldb+p]
	}
	return o.b[p*o.ldb+j]
}

// reference returns C computed in float64 and, per element, the sum of
// |A(i,p)·B(p,j)| (plus |C| when accumulating) that bounds rounding error.
func (o *operands) reference() (ref, mag []float64) {
	ref, mag = make([]float64, o.m*o.n), make([]float64, o.m*o.n)
	for i := range o.m {
		for j := range o.n {
			var s, a float64
			for p := range o.k {
				v := float64(o.A(i, p)) * float64(o.B(p, j))
				s += v
				a += math.Abs(v)
			}
			if o.accumulate {
				s += float64(o.initialC[i*o.ldc+j])
				a += math.Abs(float64(o.initialC[i*o.ldc+j]))
			}
			ref[i*o.n+j], mag[i*o.n+j] = s, a
		}
	}
	return ref, mag
}

// check compares o.c with the float64 reference, and that the padding
// between rows of C is untouched. It returns the largest absolute error
// and the largest error relative to the magnitude sum (|C| + Σ|A·B|), the
// quantity that bounds float32 rounding error whatever the cancellation.
func (o *operands) check(t *testing.T) (maxAbs, maxRel float64) {
	t.Helper()
	ref, mag := o.reference()
	worst := -1
	for i := range o.m {
		for j := range o.ldc {
			got := o.c[i*o.ldc+j]
			if j >= o.n {
				if got != o.initialC[i*o.ldc+j] {
					t.Fatalf("%s: padding C[%d,%d] overwritten", o.name, i, j)
				}
				continue
			}
			want := ref[i*o.n+j]
			d := math.Abs(float64(got) - want)
			tol := 2*float64(o.k+2)*0x1p-24*mag[i*o.n+j] + 1e-30
			if d > maxAbs {
				maxAbs = d
			}
			if r := d / math.Max(mag[i*o.n+j], 1e-30); r > maxRel {
				maxRel = r
			}
			if d > tol && worst < 0 {
				worst = i*o.n + j
				t.Errorf("%s: C[%d,%d] = %g, want %g (abs err %.3g > tol %.3g)", o.name, i, j, got, want, d, tol)
			}
		}
	}
	return maxAbs, maxRel
}

func TestSgemmShapes(t *testing.T) {
	dims := []int{1, 2, 3, 5, 7, 13, 14, 15, 16, 17, 29, 31, 32, 33, 47, 64, 70}
	withKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		var maxAbs, maxRel float64
		cases := 0
		for _, m := range dims {
			for _, n := range dims {
				// k cycles through dims so every (m, n) pair sees a different k.
				k := dims[(m*7+n*3)%len(dims)]
				for flags := range 8 {
					tA, tB, acc := flags&1 != 0, flags&2 != 0, flags&4 != 0
					o := newOperands(rng, m, n, k, tA, tB, acc, (m+n)%3)
					Sgemm(nil, m, n, k, o.a, o.lda, tA, o.b, o.ldb, tB, o.c, o.ldc, acc)
					a, r := o.check(t)
					maxAbs, maxRel = max(maxAbs, a), max(maxRel, r)
					cases++
				}
			}
		}
		t.Logf("%s: %d cases, max abs err %.3g, max err/magnitude %.3g", Kernel(), cases, maxAbs, maxRel)
	})
}

// TestSgemmBlocks covers shapes larger than one block in each dimension.
func TestSgemmBlocks(t *testing.T) {
	shapes := []struct{ m, n, k int }{
		{350, 40, 30}, {9, 3100, 7}, {20, 33, 600}, {71, 97, 513}, {2, 2, 1000}, {3, 40, 2100}, {15, 33, 4500}, {0, 5, 5}, {5, 0, 5}, {4, 6, 0},
	}
	withKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		var maxAbs, maxRel float64
		for _, s := range shapes {
			for flags := range 8 {
				tA, tB, acc := flags&1 != 0, flags&2 != 0, flags&4 != 0
				o := newOperands(rng, s.m, s.n, s.k, tA, tB, acc, 1)
				Sgemm(goPfor(2), s.m, s.n, s.k, o.a, o.lda, tA, o.b, o.ldb, tB, o.c, o.ldc, acc)
				a, r := o.check(t)
				maxAbs, maxRel = max(maxAbs, a), max(maxRel, r)
			}
		}
		t.Logf("%s: max abs err %.3g, max err/magnitude %.3g", Kernel(), maxAbs, maxRel)
	})
}

// goPfor returns a pfor that splits [0, n) into up to workers contiguous
// ranges run on separate goroutines, the last range first.
func goPfor(workers int) func(n, grain int, fn func(lo, hi int)) {
	return func(n, grain int, fn func(lo, hi int)) {
		chunks := max(1, min(workers, n/max(grain, 1)))
		var wg sync.WaitGroup
		for i := chunks - 1; i >= 0; i-- {
			lo, hi := i*n/chunks, (i+1)*n/chunks
			wg.Add(1)
			go func() {
				defer wg.Done()
				fn(lo, hi)
			}()
		}
		wg.Wait()
	}
}

func TestSgemmDeterministic(t *testing.T) {
	shapes := []struct{ m, n, k int }{{200, 300, 520}, {20, 1000, 300}, {700, 64, 100}, {30, 70, 2500}, {3, 900, 700}, {12, 500, 300}}
	withKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, s := range shapes {
			for _, tB := range []bool{false, true} {
				o := newOperands(rng, s.m, s.n, s.k, false, tB, true, 0)
				raw := make([]byte, 2*len(o.b))
				half.F32ToBF16(raw, o.b)
				for _, variant := range []string{"f32", "bf16", "f16", "bf16dot"} {
					call := func(pfor func(n, grain int, fn func(lo, hi int)), c []float32) {
						switch variant {
						case "f32":
							Sgemm(pfor, s.m, s.n, s.k, o.a, o.lda, false, o.b, o.ldb, tB, c, o.ldc, true)
						case "bf16":
							SgemmBF16B(pfor, s.m, s.n, s.k, o.a, o.lda, false, raw, o.ldb, tB, c, o.ldc, true)
						case "f16":
							SgemmF16B(pfor, s.m, s.n, s.k, o.a, o.lda, false, raw, o.ldb, tB, c, o.ldc, true)
						default:
							SgemmBF16Dot(pfor, s.m, s.n, s.k, o.a, o.lda, false, raw, o.ldb, tB, c, o.ldc, true)
						}
					}
					want := append([]float32(nil), o.c...)
					call(nil, want)
					for _, w := range []int{2, 3, 7} {
						got := append([]float32(nil), o.c...)
						call(goPfor(w), got)
						for i := range got {
							if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
								t.Fatalf("%s %s workers=%d: C[%d] = %g, serial %g", variant, o.name, w, i, got[i], want[i])
							}
						}
					}
				}
			}
		}
	})
}

// TestSgemmRowsIndependent checks that a row of C does not depend on how
// many other rows the call computes (small-m kernels included).
func TestSgemmRowsIndependent(t *testing.T) {
	withKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(13, 14))
		for _, tB := range []bool{false, true} {
			o := newOperands(rng, 40, 70, 1500, false, tB, false, 0)
			Sgemm(nil, o.m, o.n, o.k, o.a, o.lda, false, o.b, o.ldb, tB, o.c, o.ldc, false)
			for _, m := range []int{1, 3, 8, 9, 15} {
				part := make([]float32, m*o.ldc)
				Sgemm(goPfor(2), m, o.n, o.k, o.a[o.lda:], o.lda, false, o.b, o.ldb, tB, part, o.ldc, false)
				for i := range part {
					if math.Float32bits(part[i]) != math.Float32bits(o.c[o.ldc+i]) {
						t.Fatalf("m=%d transB=%v: C[%d] = %g, %g within the 40-row product", m, tB, i, part[i], o.c[o.ldc+i])
					}
				}
			}
		}
	})
}

// TestSgemmHalfB checks that bf16 and f16 B operands give bit-identical
// results to Sgemm on the same B widened to float32 beforehand.
func TestSgemmHalfB(t *testing.T) {
	shapes := []struct{ m, n, k int }{{1, 1, 1}, {17, 45, 33}, {64, 70, 300}, {5, 200, 64}}
	withKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for _, s := range shapes {
			for flags := range 8 {
				tA, tB, acc := flags&1 != 0, flags&2 != 0, flags&4 != 0
				o := newOperands(rng, s.m, s.n, s.k, tA, tB, acc, 2)
				for _, kind := range []string{"bf16", "f16"} {
					raw := make([]byte, 2*len(o.b))
					wide := make([]float32, len(o.b))
					if kind == "bf16" {
						half.F32ToBF16(raw, o.b)
						half.BF16ToF32(wide, raw)
					} else {
						half.F32ToF16(raw, o.b)
						half.F16ToF32(wide, raw)
					}
					want := append([]float32(nil), o.c...)
					Sgemm(nil, s.m, s.n, s.k, o.a, o.lda, tA, wide, o.ldb, tB, want, o.ldc, acc)
					got := append([]float32(nil), o.c...)
					if kind == "bf16" {
						SgemmBF16B(goPfor(3), s.m, s.n, s.k, o.a, o.lda, tA, raw, o.ldb, tB, got, o.ldc, acc)
					} else {
						SgemmF16B(goPfor(3), s.m, s.n, s.k, o.a, o.lda, tA, raw, o.ldb, tB, got, o.ldc, acc)
					}
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s %s: C[%d] = %g, widened first %g", kind, o.name, i, got[i], want[i])
						}
					}
				}
			}
		}
	})
}

func TestSgemmShortOperandPanics(t *testing.T) {
	defer func() {
		if _, ok := recover().(*backend.ShapeError); !ok {
			t.Fatal("no *backend.ShapeError panic for a short B")
		}
	}()
	a, b, c := make([]float32, 6), make([]float32, 5), make([]float32, 6)
	Sgemm(nil, 2, 3, 3, a, 3, false, b, 3, false, c, 3, false)
}
