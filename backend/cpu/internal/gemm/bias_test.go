package gemm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

// TestSgemmBias checks SgemmBias for every B kind against the matching
// variant followed by adding the bias: bit for bit while k fits one k
// block of the kernel, within float32 rounding beyond (the bias then joins
// the first block's sum), and bit for bit across worker counts always.
// Shapes cover edge tiles, the small-m kernel, transposed A and B and
// widths that are not multiples of 16.
func TestSgemmBias(t *testing.T) {
	shapes := []struct{ m, n, k int }{{1, 1, 1}, {3, 40, 17}, {17, 45, 33}, {64, 70, 300}, {501, 192, 192}, {29, 768, 192}, {20, 100, 1500}}
	withKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, s := range shapes {
			for flags := range 4 {
				tA, tB := flags&1 != 0, flags&2 != 0
				o := newOperands(rng, s.m, s.n, s.k, tA, tB, false, 1)
				bias := make([]float32, s.n+3)
				for i := range bias {
					bias[i] = float32(rng.NormFloat64())
				}
				raw := make([]byte, 2*len(o.b))
				half.F32ToBF16(raw, o.b)
				for _, variant := range []string{"f32", "bf16", "f16", "bf16dot"} {
					b := B{F32: o.b, LD: o.ldb, Trans: tB}
					if variant != "f32" {
						b = B{Raw: raw, DType: backend.BF16, LD: o.ldb, Trans: tB, Dot: variant == "bf16dot"}
						if variant == "f16" {
							b.DType = backend.F16
						}
					}
					want := append([]float32(nil), o.c...)
					switch variant {
					case "f32":
						Sgemm(nil, s.m, s.n, s.k, o.a, o.lda, tA, o.b, o.ldb, tB, want, o.ldc, false)
					case "bf16":
						SgemmBF16B(nil, s.m, s.n, s.k, o.a, o.lda, tA, raw, o.ldb, tB, want, o.ldc, false)
					case "f16":
						SgemmF16B(nil, s.m, s.n, s.k, o.a, o.lda, tA, raw, o.ldb, tB, want, o.ldc, false)
					default:
						SgemmBF16Dot(nil, s.m, s.n, s.k, o.a, o.lda, tA, raw, o.ldb, tB, want, o.ldc, false)
					}
					for i := range s.m {
						for j := range s.n {
							want[i*o.ldc+j] += bias[j]
						}
					}
					serial := append([]float32(nil), o.c...)
					SgemmBias(nil, s.m, s.n, s.k, o.a, o.lda, tA, b, serial, o.ldc, bias)
					exact := s.k <= active.kc && !(variant == "bf16dot" && bf16Dot != nil && s.k > bf16Dot.kc)
					for i := range s.m {
						for j := range s.n {
							g, w := serial[i*o.ldc+j], want[i*o.ldc+j]
							if exact && math.Float32bits(g) != math.Float32bits(w) {
								t.Fatalf("%s %s: C[%d,%d] = %g, variant then bias %g", variant, o.name, i, j, g, w)
							}
							if d := math.Abs(float64(g - w)); d > 1e-4*(1+math.Abs(float64(w))) {
								t.Fatalf("%s %s: C[%d,%d] = %g, variant then bias %g (|d| %.3g)", variant, o.name, i, j, g, w, d)
							}
						}
					}
					for i := range s.m {
						for j := s.n; j < o.ldc; j++ {
							if serial[i*o.ldc+j] != o.c[i*o.ldc+j] {
								t.Fatalf("%s %s: C[%d,%d] past the n columns changed", variant, o.name, i, j)
							}
						}
					}
					got := append([]float32(nil), o.c...)
					SgemmBias(goPfor(3), s.m, s.n, s.k, o.a, o.lda, tA, b, got, o.ldc, bias)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(serial[i]) {
							t.Fatalf("%s %s: 3 workers C[%d] = %g, serial %g", variant, o.name, i, got[i], serial[i])
						}
					}
				}
			}
		}
	})
}
