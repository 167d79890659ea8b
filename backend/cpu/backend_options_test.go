package cpu

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

// TestBF16Compute checks MatMul with bf16 weights under
// Options.BF16Compute against a float64 reference on the bf16-rounded left
// operand (the documented trade), and that results are bit-identical for 1
// and 2 threads. On the pure-Go GEMM (-tags noasm) the option has no
// effect and the reference uses the unrounded left operand.
func TestBF16Compute(t *testing.T) {
	for _, sh := range []struct{ m, n, k int }{{1, 1, 1}, {5, 7, 3}, {37, 45, 70}, {130, 96, 257}} {
		rng := rand.New(rand.NewPCG(uint64(sh.m), uint64(sh.k)))
		x, w := spRand(rng, sh.m*sh.k), spRand(rng, sh.n*sh.k)
		raw := make([]byte, 2*len(w))
		half.F32ToBF16(raw, w)
		wb := make([]float32, len(w))
		half.BF16ToF32(wb, raw)
		xr := make([]byte, 2*len(x))
		half.F32ToBF16(xr, x)
		xb := make([]float32, len(x))
		half.BF16ToF32(xb, xr)
		if !fastGEMM {
			xb = x
		}

		var outs [2][]float32
		for i, threads := range []int{1, 2} {
			be := NewWithOptions(Options{Threads: threads, BF16Compute: true})
			if !be.BF16Compute() {
				t.Fatal("BF16Compute() = false")
			}
			xt, _ := be.FromFloat32(x, sh.m, sh.k)
			wt, _ := be.FromRaw(backend.BF16, raw, sh.n, sh.k)
			outs[i] = be.Float32(be.NewContext().MatMul(xt, wt, false, true))
		}
		worst, at := 0.0, -1
		for i := range sh.m {
			for j := range sh.n {
				var ref, mag float64
				for p := range sh.k {
					v := float64(xb[i*sh.k+p]) * float64(wb[j*sh.k+p])
					ref += v
					mag += math.Abs(v)
				}
				if e := math.Abs(float64(outs[0][i*sh.n+j])-ref) / (mag + 1e-30); e > worst {
					worst, at = e, i*sh.n+j
				}
			}
		}
		if worst > 1e-5 {
			t.Errorf("%dx%dx%d: max error %.3g (relative to Σ|a·b|) at %d", sh.m, sh.n, sh.k, worst, at)
		}
		for i := range outs[0] {
			if math.Float32bits(outs[0][i]) != math.Float32bits(outs[1][i]) {
				t.Fatalf("%dx%dx%d: 1 and 2 threads differ at %d: %g vs %g", sh.m, sh.n, sh.k, i, outs[0][i], outs[1][i])
			}
		}
	}
}
