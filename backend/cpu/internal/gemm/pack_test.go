package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/internal/half"
)

// TestPack checks every packing routine (including the assembly fast
// paths for 14-row panels) bit for bit against its doc-comment formula.
func TestPack(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const m, k, n = 45, 150, 70
	for _, trans := range []bool{false, true} {
		lda := k + 3
		if trans {
			lda = m + 3
		}
		a := make([]float32, lda*max(m, k))
		for i := range a {
			a[i] = float32(rng.NormFloat64())
		}
		at := func(i, p int) float32 {
			if trans {
				return a[p*lda+i]
			}
			return a[i*lda+p]
		}
		bfA := func(i, p int) uint32 { return uint32(half.BF16Bits(at(i, p))) }
		for _, mr := range []int{4, 6, 14} {
			for _, c := range []struct{ i0, h, pc, kc int }{{0, 14, 0, 150}, {3, 42, 7, 33}, {1, 28, 0, 64}, {0, 45, 2, 1}, {5, 9, 100, 50}, {2, 40, 1, 17}} {
				name := fmt.Sprintf("trans=%v/mr=%d/%v", trans, mr, c)
				panels := (c.h + mr - 1) / mr
				dst := make([]float32, panels*mr*c.kc)
				for i := range dst {
					dst[i] = float32(math.NaN())
				}
				packA(dst, a, lda, trans, false, mr, c.i0, c.h, c.pc, c.kc)
				for r := range panels {
					for p := range c.kc {
						for i := range mr {
							want := float32(0)
							if r*mr+i < c.h {
								want = at(c.i0+r*mr+i, c.pc+p)
							}
							if got := dst[r*c.kc*mr+p*mr+i]; math.Float32bits(got) != math.Float32bits(want) {
								t.Fatalf("packA %s: panel %d p %d i %d = %g, want %g", name, r, p, i, got, want)
							}
						}
					}
				}
				steps := (c.kc + 1) / 2
				dst = make([]float32, panels*mr*steps)
				packAPairs(dst, a, lda, trans, mr, c.i0, c.h, c.pc, c.kc)
				w := words(dst)
				for r := range panels {
					for s := range steps {
						for i := range mr {
							var want uint32
							if row := r*mr + i; row < c.h {
								want = bfA(c.i0+row, c.pc+2*s)
								if 2*s+1 < c.kc {
									want |= bfA(c.i0+row, c.pc+2*s+1) << 16
								}
							}
							if got := w[r*steps*mr+s*mr+i]; got != want {
								t.Fatalf("packAPairs %s: panel %d step %d i %d = %#x, want %#x", name, r, s, i, got, want)
							}
						}
					}
				}
			}
		}
	}
	// B: float32, bf16 and f16, both layouts, against the widened values.
	for _, trans := range []bool{false, true} {
		ldb := n + 2
		if trans {
			ldb = k + 2
		}
		f := make([]float32, ldb*max(n, k))
		for i := range f {
			f[i] = float32(rng.NormFloat64())
		}
		raw16, rawBF := make([]byte, 2*len(f)), make([]byte, 2*len(f))
		half.F32ToF16(raw16, f)
		half.F32ToBF16(rawBF, f)
		w16, wBF := make([]float32, len(f)), make([]float32, len(f))
		half.F16ToF32(w16, raw16)
		half.BF16ToF32(wBF, rawBF)
		mats := []struct {
			b    matB
			wide []float32
		}{
			{matB{f32: f, kind: f32, ld: ldb, trans: trans}, f},
			{matB{raw: rawBF, kind: bf16, ld: ldb, trans: trans}, wBF},
			{matB{raw: raw16, kind: f16, ld: ldb, trans: trans}, w16},
		}
		for _, nr := range []int{16, 32} {
			for _, mt := range mats {
				bAt := func(p, j int) float32 {
					if trans {
						return mt.wide[j*ldb+p]
					}
					return mt.wide[p*ldb+j]
				}
				const pc, kc, jc, nc = 5, 37, 3, 60
				panels := (nc + nr - 1) / nr
				dst := make([]float32, panels*kc*nr)
				packB(dst, &mt.b, nr, pc, kc, jc, nc, 0, panels)
				for q := range panels {
					for p := range kc {
						for j := range nr {
							want := float32(0)
							if q*nr+j < nc {
								want = bAt(pc+p, jc+q*nr+j)
							}
							if got := dst[q*kc*nr+p*nr+j]; math.Float32bits(got) != math.Float32bits(want) {
								t.Fatalf("packB kind %d trans %v nr %d: q %d p %d j %d = %g, want %g", mt.b.kind, trans, nr, q, p, j, got, want)
							}
						}
					}
				}
				if mt.b.kind != bf16 {
					continue
				}
				steps := (kc + 1) / 2
				dst = make([]float32, panels*steps*nr)
				packBPairs(dst, &mt.b, nr, pc, kc, jc, nc, 0, panels)
				w := words(dst)
				bits := func(p, j int) uint32 { return math.Float32bits(bAt(p, j)) >> 16 }
				for q := range panels {
					for s := range steps {
						for j := range nr {
							var want uint32
							if q*nr+j < nc {
								want = bits(pc+2*s, jc+q*nr+j)
								if 2*s+1 < kc {
									want |= bits(pc+2*s+1, jc+q*nr+j) << 16
								}
							}
							if got := w[q*steps*nr+s*nr+j]; got != want {
								t.Fatalf("packBPairs trans %v nr %d: q %d step %d j %d = %#x, want %#x", trans, nr, q, s, j, got, want)
							}
						}
					}
				}
			}
		}
	}
}
