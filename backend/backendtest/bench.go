package backendtest

import (
	"fmt"
	"math"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// Bench runs the op benchmarks on backends made by newBackend, each with 1
// and 2 threads, reporting GFLOP/s (or GB/s for LayerNorm) via
// b.ReportMetric:
//
//   - matmul_1024: [1024, 1024]·[1024, 1024], 2·1024³ flops;
//   - attention_1024, attention_4096: q, k, v [1, 8, S, 64] without mask,
//     4·8·S²·64 flops (q·kᵀ and p·v);
//   - conv3d_vae: x [1, 128, 4, 32, 32] with a 3×3×3 kernel to 128
//     channels, causal in time, 2·Cout·Cin·27·T·H·W flops;
//   - layernorm: x [4096, 1024] with weight and bias, counting the bytes of
//     x read and the result written.
//
// Each iteration is one op on a context that is Reset afterwards; the
// result of the last iteration is read back (synchronising an asynchronous
// backend) before the clock stops.
func Bench(b *testing.B, newBackend func(threads int) backend.Backend) {
	for _, threads := range []int{1, 2} {
		benchOp(b, "matmul_1024", threads, newBackend, 2*math.Pow(1024, 3), "GFLOP/s",
			func(tb testing.TB, be backend.Backend) func(backend.Context) backend.Tensor {
				x, w := persistent(tb, be, 1, 1, 1024, 1024), persistent(tb, be, 2, fanIn(1024), 1024, 1024)
				return func(c backend.Context) backend.Tensor { return c.MatMul(x, w, false, false) }
			})
		for _, seq := range []int{1024, 4096} {
			const heads, dim = 8, 64
			benchOp(b, fmt.Sprintf("attention_%d", seq), threads, newBackend,
				4*heads*float64(seq)*float64(seq)*dim, "GFLOP/s",
				func(tb testing.TB, be backend.Backend) func(backend.Context) backend.Tensor {
					q := persistent(tb, be, 1, 1, 1, heads, seq, dim)
					k := persistent(tb, be, 2, 1, 1, heads, seq, dim)
					v := persistent(tb, be, 3, 1, 1, heads, seq, dim)
					return func(c backend.Context) backend.Tensor {
						return backend.Attention(c, q, k, v, nil, 1/float32(math.Sqrt(dim)))
					}
				})
		}
		const cin, cout, t, h, w = 128, 128, 4, 32, 32
		benchOp(b, "conv3d_vae", threads, newBackend, 2*cout*cin*27*t*h*w, "GFLOP/s",
			func(tb testing.TB, be backend.Backend) func(backend.Context) backend.Tensor {
				x := persistent(tb, be, 1, 1, 1, cin, t, h, w)
				wt := persistent(tb, be, 2, fanIn(cin*27), cout, cin, 3, 3, 3)
				bias := persistent(tb, be, 3, 0.1, cout)
				p := backend.ConvParams{PadBefore: []int{2, 1, 1}, PadAfter: []int{0, 1, 1}, PadMode: backend.PadReplicate}
				return func(c backend.Context) backend.Tensor { return c.Conv(x, wt, bias, p) }
			})
		const rows, cols = 4096, 1024
		benchOp(b, "layernorm", threads, newBackend, 2*4*rows*cols, "GB/s",
			func(tb testing.TB, be backend.Backend) func(backend.Context) backend.Tensor {
				x := persistent(tb, be, 1, 1, rows, cols)
				g, bias := persistent(tb, be, 2, 1, cols), persistent(tb, be, 3, 1, cols)
				return func(c backend.Context) backend.Tensor { return backend.LayerNorm(c, x, g, bias, 1e-5) }
			})
	}
}

// benchOp runs one benchmark: setup makes persistent inputs and returns the
// op; work is the flop (or byte) count of one op, reported per second in
// units of 1e9 as unit.
func benchOp(b *testing.B, name string, threads int, newBackend func(int) backend.Backend,
	work float64, unit string, setup func(testing.TB, backend.Backend) func(backend.Context) backend.Tensor) {
	b.Run(fmt.Sprintf("%s/threads=%d", name, threads), func(b *testing.B) {
		be := newBackend(threads)
		defer be.Close()
		op := setup(b, be)
		ctx := be.NewContext()
		guard(b, func() { op(ctx); ctx.Reset() }) // warm-up: arena and caches
		b.ResetTimer()
		var last []float32
		guard(b, func() {
			for i := range b.N {
				out := op(ctx)
				if i == b.N-1 {
					last = be.Float32(out)
				}
				ctx.Reset()
			}
		})
		b.StopTimer()
		if len(last) == 0 || math.IsNaN(float64(last[0])) {
			b.Fatalf("%s: no result", name)
		}
		b.ReportMetric(work*float64(b.N)/b.Elapsed().Seconds()/1e9, unit)
	})
}
