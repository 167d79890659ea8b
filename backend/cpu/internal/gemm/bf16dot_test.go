package gemm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/internal/half"
)

// roundBF16 returns v rounded to the nearest bfloat16.
func roundBF16(v float32) float32 { return math.Float32frombits(uint32(half.BF16Bits(v)) << 16) }

// TestSgemmBF16Dot checks SgemmBF16Dot against a float64 product of A
// rounded to bf16 and the bf16 B, on the bf16 kernel when the CPU has one
// and on the float32 fallback, and that results do not depend on pfor.
func TestSgemmBF16Dot(t *testing.T) {
	shapes := []struct{ m, n, k int }{{1, 1, 1}, {3, 5, 2}, {14, 32, 7}, {17, 45, 33}, {29, 70, 64}, {64, 33, 513}, {5, 200, 1030}, {300, 40, 9}, {16, 40, 4200}}
	run := func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 10))
		var maxAbs, maxRel float64
		for _, s := range shapes {
			for flags := range 8 {
				tA, tB, acc := flags&1 != 0, flags&2 != 0, flags&4 != 0
				o := newOperands(rng, s.m, s.n, s.k, tA, tB, acc, 1)
				raw := make([]byte, 2*len(o.b))
				half.F32ToBF16(raw, o.b)
				half.BF16ToF32(o.b, raw) // the reference sees the bf16 values
				for i, v := range o.a {
					o.a[i] = roundBF16(v) // exact: the kernel rounds A the same way
				}
				serial := append([]float32(nil), o.c...)
				SgemmBF16Dot(nil, s.m, s.n, s.k, o.a, o.lda, tA, raw, o.ldb, tB, serial, o.ldc, acc)
				SgemmBF16Dot(goPfor(3), s.m, s.n, s.k, o.a, o.lda, tA, raw, o.ldb, tB, o.c, o.ldc, acc)
				for i := range serial {
					if math.Float32bits(serial[i]) != math.Float32bits(o.c[i]) {
						t.Fatalf("%s: C[%d] = %g with 3 goroutines, %g serially", o.name, i, o.c[i], serial[i])
					}
				}
				a, r := o.check(t)
				maxAbs, maxRel = max(maxAbs, a), max(maxRel, r)
			}
		}
		t.Logf("%s: max abs err %.3g, max err/magnitude %.3g", BF16DotKernel(), maxAbs, maxRel)
	}
	t.Run(BF16DotKernel(), run)
	if bf16Dot != nil {
		saved := bf16Dot
		bf16Dot = nil
		defer func() { bf16Dot = saved }()
		t.Run("fallback", run)
	}
}
