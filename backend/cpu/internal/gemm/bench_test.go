package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSgemm reports GFLOP/s for square and DiT-like shapes, for the
// active kernel and the generic one, serially and with two goroutines.
//
//	go test -run '^$' -bench Sgemm -count 3 -benchtime 3x ./backend/cpu/internal/gemm
func BenchmarkSgemm(b *testing.B) {
	shapes := []struct {
		name    string
		m, n, k int
		transB  bool
	}{
		{"1024cube", 1024, 1024, 1024, false},
		{"2048cube", 2048, 2048, 2048, false},
		{"dit_1024x1536x384_tB", 1024, 1536, 384, true},
	}
	kernels := []kernel{active}
	if active.name != genericKernel.name {
		kernels = append(kernels, genericKernel)
	}
	for _, kn := range kernels {
		for _, s := range shapes {
			for _, threads := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%s/threads=%d", kn.name, s.name, threads), func(b *testing.B) {
					saved := active
					active = kn
					defer func() { active = saved }()
					benchSgemm(b, s.m, s.n, s.k, s.transB, threads)
				})
			}
		}
	}
}

func benchSgemm(b *testing.B, m, n, k int, transB bool, threads int) {
	rng := rand.New(rand.NewPCG(1, 1))
	a, bm, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	for i := range a {
		a[i] = rng.Float32()
	}
	for i := range bm {
		bm[i] = rng.Float32()
	}
	ldb := n
	if transB {
		ldb = k
	}
	var pfor func(n, grain int, fn func(lo, hi int))
	if threads > 1 {
		pfor = goPfor(threads)
	}
	Sgemm(pfor, m, n, k, a, k, false, bm, ldb, transB, c, n, false) // warm buffers
	b.ResetTimer()
	for b.Loop() {
		Sgemm(pfor, m, n, k, a, k, false, bm, ldb, transB, c, n, false)
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
