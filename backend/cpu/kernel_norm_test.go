package cpu

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestNormKernelsBits checks the row kernels (AVX-512 where the CPU has
// it) against their Go loops bit for bit, for lengths 1..80 (whole 16-lane
// blocks and tails), with and without w and b, and the statistics against
// a float64 reference in index order (relative error below 1e-12).
func TestNormKernelsBits(t *testing.T) {
	if normVec == nil {
		t.Log("no vector norm kernels on this CPU or build: checking the Go loops against the reference only")
	}
	saved := normVec
	defer func() { normVec = saved }()
	rng := rand.New(rand.NewPCG(17, 18))
	for n := 1; n <= 80; n++ {
		row, w, b := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range row {
			row[i] = float32(rng.NormFloat64()*3 + 0.5)
			w[i], b[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		var refS, refQ float64
		for _, v := range row {
			refS += float64(v)
		}
		mean := refS / float64(n)
		for _, v := range row {
			refQ += (float64(v) - mean) * (float64(v) - mean)
		}

		normVec = saved
		s, q, q0 := rowSum(row), rowSqDev(row, mean), rowSqDev(row, 0)
		var fast [4][]float32
		for k, wb := range [][2][]float32{{nil, nil}, {w, nil}, {nil, b}, {w, b}} {
			fast[k] = make([]float32, n)
			normRow(fast[k], row, float32(mean), 0.7, wb[0], wb[1])
		}
		normVec = nil
		gs, gq, gq0 := rowSum(row), rowSqDev(row, mean), rowSqDev(row, 0)
		if s != gs || q != gq || q0 != gq0 {
			t.Errorf("n=%d: vector sums %v %v %v, Go loops %v %v %v", n, s, q, q0, gs, gq, gq0)
		}
		if e := math.Abs(s-refS) / max(1, math.Abs(refS)); e > 1e-12 {
			t.Errorf("n=%d: Σx = %v, reference %v (rel err %.3g)", n, s, refS, e)
		}
		if e := math.Abs(q-refQ) / refQ; e > 1e-12 {
			t.Errorf("n=%d: Σ(x-mean)² = %v, reference %v (rel err %.3g)", n, q, refQ, e)
		}
		for k, wb := range [][2][]float32{{nil, nil}, {w, nil}, {nil, b}, {w, b}} {
			got := make([]float32, n)
			normRow(got, row, float32(mean), 0.7, wb[0], wb[1])
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(fast[k][i]) {
					t.Errorf("n=%d variant %d: [%d] vector %v, Go %v", n, k, i, fast[k][i], got[i])
					break
				}
				want := float32(float32((row[i]-float32(mean))*0.7)*pick(wb[0], i, 1)) + pick(wb[1], i, 0)
				if got[i] != want {
					t.Errorf("n=%d variant %d: [%d] = %v, reference %v", n, k, i, got[i], want)
					break
				}
			}
		}
	}
}

// pick returns v[i], or def when v is nil.
func pick(v []float32, i int, def float32) float32 {
	if v == nil {
		return def
	}
	return v[i]
}
