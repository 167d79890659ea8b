package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/internal/half"
)

// benchShapes are the GEMM shapes benchmarked; B is n×k (a weight) when transB.
var benchShapes = []struct {
	name    string
	m, n, k int
	transB  bool
}{
	{"1024cube", 1024, 1024, 1024, false},
	{"2048cube", 2048, 2048, 2048, false},
	{"dit_1024x1536x384_tB", 1024, 1536, 384, true},
}

// BenchmarkSgemm reports GFLOP/s (wall) and GFLOP per CPU-second for
// every kernel this CPU runs, serially and with two goroutines:
//
//	go test -run '^$' -bench Sgemm -count 3 -benchtime 3x ./backend/cpu/internal/gemm
func BenchmarkSgemm(b *testing.B) {
	for _, kn := range available() {
		for _, s := range benchShapes {
			for _, threads := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%s/threads=%d", kn.name, s.name, threads), func(b *testing.B) {
					saved := active
					active = kn
					defer func() { active = saved }()
					benchGEMM(b, s.m, s.n, s.k, s.transB, threads, "f32")
				})
			}
		}
	}
}

// BenchmarkSgemmBF16 covers bf16 weights: widened to float32 while
// packing (SgemmBF16B, exact) and bf16 products (SgemmBF16Dot).
func BenchmarkSgemmBF16(b *testing.B) {
	for _, variant := range []string{"widen", "dot"} {
		for _, s := range benchShapes {
			for _, threads := range []int{1, 2} {
				name := fmt.Sprintf("%s/%s/%s/threads=%d", variant, Kernel(), s.name, threads)
				if variant == "dot" {
					name = fmt.Sprintf("%s/%s/%s/threads=%d", variant, BF16DotKernel(), s.name, threads)
				}
				b.Run(name, func(b *testing.B) { benchGEMM(b, s.m, s.n, s.k, s.transB, threads, variant) })
			}
		}
	}
}

func benchGEMM(b *testing.B, m, n, k int, transB bool, threads int, variant string) {
	rng := rand.New(rand.NewPCG(1, 1))
	a, bm, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	for i := range a {
		a[i] = rng.Float32()
	}
	for i := range bm {
		bm[i] = rng.Float32()
	}
	raw := make([]byte, 2*len(bm))
	half.F32ToBF16(raw, bm)
	ldb := n
	if transB {
		ldb = k
	}
	var pfor func(n, grain int, fn func(lo, hi int))
	if threads > 1 {
		pfor = goPfor(threads)
	}
	call := func() {
		switch variant {
		case "f32":
			Sgemm(pfor, m, n, k, a, k, false, bm, ldb, transB, c, n, false)
		case "widen":
			SgemmBF16B(pfor, m, n, k, a, k, false, raw, ldb, transB, c, n, false)
		case "dot":
			SgemmBF16Dot(pfor, m, n, k, a, k, false, raw, ldb, transB, c, n, false)
		}
	}
	call() // warm the packing buffers
	cpu0 := processCPUTime()
	b.ResetTimer()
	for b.Loop() {
		call()
	}
	flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu := processCPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(flops/cpu.Seconds()/1e9, "GFLOP/cpu-s")
	}
}
