package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lockstep-av/lockstep/backend"
)

// BenchmarkElementwise reports throughput (Melem/s) of the activation and
// broadcast ops a DiT block uses, on a [1024, 1024] activation.
func BenchmarkElementwise(b *testing.B) {
	rng := rand.New(rand.NewPCG(71, 72))
	x := coreRand(rng, 1024*1024, 4)
	v := coreRand(rng, 1024, 1)
	ops := []struct {
		name string
		fn   func(c *Context, x, v backend.Tensor)
	}{
		{"gelu", func(c *Context, x, _ backend.Tensor) { c.Unary(backend.GELU, x) }},
		{"gelu_tanh", func(c *Context, x, _ backend.Tensor) { c.Unary(backend.GELUTanh, x) }},
		{"silu", func(c *Context, x, _ backend.Tensor) { c.Unary(backend.SiLU, x) }},
		{"exp", func(c *Context, x, _ backend.Tensor) { c.Unary(backend.Exp, x) }},
		{"mul_row_broadcast", func(c *Context, x, v backend.Tensor) { c.Binary(backend.Mul, x, v) }},
		{"add_same_shape", func(c *Context, x, _ backend.Tensor) { c.Binary(backend.Add, x, x) }},
		{"softmax_last", func(c *Context, x, _ backend.Tensor) { c.Softmax(x, -1) }},
		{"layernorm", func(c *Context, x, v backend.Tensor) { c.LayerNorm(x, v, v, 1e-6) }},
		{"permute_2d", func(c *Context, x, _ backend.Tensor) { c.Permute(x, 1, 0) }},
	}
	for _, op := range ops {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads%d", op.name, threads), func(b *testing.B) {
				c := New(threads).newContext()
				xt, vt := c.Constant(x, 1024, 1024), c.Constant(v, 1024)
				b.ResetTimer()
				for range b.N {
					op.fn(c, xt, vt)
				}
				b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Melem/s")
			})
		}
	}
}

// sigmoid64 is the float64 sigmoid the activations used before the
// float32 kernels (kept for BenchmarkActivations' "old" column): with
// e = e^-|x|, 1/(1+e) for x >= 0 and e/(1+e) for x < 0.
func sigmoid64(x float64) float64 {
	e := expAcc(-math.Abs(x))
	m := uint64(int64(math.Float64bits(x)) >> 63) // all ones when x < 0
	f := math.Float64frombits(math.Float64bits(e)&m | math.Float64bits(1)&^m)
	return f / (1 + e)
}

// act64 is the former float64 path of Unary for Exp, Sigmoid, SiLU and
// GELUTanh: widen 256 values, evaluate in float64, round once.
func act64(op backend.UnaryOp, dst, src []float32) {
	var buf [256]float64
	for len(dst) > 0 {
		n := min(len(dst), len(buf))
		b := buf[:n]
		widenBlock(b, src[:n])
		for i, x := range b {
			switch op {
			case backend.Exp:
				b[i] = expAcc(x)
			case backend.Sigmoid:
				b[i] = sigmoid64(x)
			case backend.SiLU:
				b[i] = x * sigmoid64(x)
			case backend.GELUTanh:
				b[i] = x * sigmoid64(2*0.7978845608028654*(x+0.044715*x*x*x))
			}
		}
		narrowBlock(dst[:n], b)
		dst, src = dst[n:], src[n:]
	}
}

// snakeRow64 is the former Snake row: sine in float64, rounded to float32.
func snakeRow64(dst, x []float32, a, inv float32) {
	for t, v := range x {
		s := float32(math.Sin(float64(a * v)))
		dst[t] = v + s*s*inv
	}
}

// BenchmarkActivations times, on one thread and 64K values (N(0, 3²),
// the inputs of a DiT MLP or VAE activation), the former float64 path
// ("old") and every set of float32 kernels this CPU runs (go32, then
// avx512 and avx2 where available), interleaved in every iteration so that
// a busy machine slows them alike. It reports each one's Melem/s and
// speed-up over old, from the fastest call of each (see minTime).
func BenchmarkActivations(b *testing.B) {
	rng := rand.New(rand.NewPCG(73, 74))
	src := make([]float32, 1<<16)
	for i := range src {
		src[i] = float32(rng.NormFloat64() * 3)
	}
	dst := make([]float32, len(src))
	const a, inv = 0.8, 1 / (0.8 + 1e-9)
	cases := []struct {
		name string
		old  func()
		cur  func(s actSet) func()
	}{
		{"exp", func() { act64(backend.Exp, dst, src) }, func(s actSet) func() { return func() { s.exp(dst, src) } }},
		{"sigmoid", func() { act64(backend.Sigmoid, dst, src) }, func(s actSet) func() { return func() { s.sigmoid(dst, src) } }},
		{"silu", func() { act64(backend.SiLU, dst, src) }, func(s actSet) func() { return func() { s.silu(dst, src) } }},
		{"gelu_tanh", func() { act64(backend.GELUTanh, dst, src) }, func(s actSet) func() { return func() { s.geluTanh(dst, src) } }},
		{"snake", func() { snakeRow64(dst, src, a, inv) }, func(s actSet) func() { return func() { snakeWith(s, dst, src, a, inv) } }},
	}
	sets := actSets()
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var tOld minTime
			times := make([]minTime, len(sets))
			fns := make([]func(), len(sets))
			for i, s := range sets {
				fns[i] = c.cur(s)
			}
			for b.Loop() {
				tOld.time(c.old)
				for i, f := range fns {
					times[i].time(f)
				}
			}
			b.ReportMetric(tOld.melem(len(src)), "old_Melem/s")
			for i, s := range sets {
				name := s.name
				if name == "go" {
					name = "go32"
				}
				b.ReportMetric(times[i].melem(len(src)), name+"_Melem/s")
				b.ReportMetric(tOld.over(times[i]), name+"_speedup")
			}
		})
	}
}

// minTime keeps the fastest of repeated timings: on a machine busy with
// other work the minimum is the figure least disturbed by it.
type minTime struct{ best time.Duration }

// time runs f once and keeps its duration if it is the fastest so far.
func (m *minTime) time(f func()) {
	t0 := time.Now()
	f()
	if d := time.Since(t0); m.best == 0 || d < m.best {
		m.best = d
	}
}

// melem is n elements per best time, in millions per second.
func (m minTime) melem(n int) float64 { return float64(n) / m.best.Seconds() / 1e6 }

// over is the speed-up of o over m (m's best time / o's).
func (m minTime) over(o minTime) float64 { return m.best.Seconds() / o.best.Seconds() }

// BenchmarkBinaryKernel times the assembly loops of binaryKernel (each set
// this CPU runs: avx512, avx2) against the plain Go loop ("old") on 64K
// values in cache, interleaved in every iteration, reporting Melem/s and
// the speed-up from the fastest call of each.
func BenchmarkBinaryKernel(b *testing.B) {
	rng := rand.New(rand.NewPCG(75, 76))
	x, y := coreRand(rng, 1<<16, 4), coreRand(rng, 1<<16, 4)
	dst := make([]float32, len(x))
	cases := []struct {
		name string
		op   backend.BinaryOp
		mode int // 0 vector·vector, 1 vector·scalar
		old  func()
	}{
		{"add_vv", backend.Add, 0, func() {
			for i := range dst {
				dst[i] = x[i] + y[i]
			}
		}},
		{"mul_vv", backend.Mul, 0, func() {
			for i := range dst {
				dst[i] = x[i] * y[i]
			}
		}},
		{"sub_vs", backend.Sub, 1, func() {
			s := y[0]
			for i := range dst {
				dst[i] = x[i] - s
			}
		}},
	}
	sets := binaryVecSets()
	sets = sets[:len(sets)-1]                         // the last is nil (the Go loops)
	names := []string{"avx512", "avx2"}[2-len(sets):] // every AVX-512 CPU has AVX2
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var tOld minTime
			times := make([]minTime, len(sets))
			for b.Loop() {
				tOld.time(c.old)
				for i, set := range sets {
					f, yb := set[c.op][c.mode], y
					if c.mode == 1 {
						yb = y[:1]
					}
					times[i].time(func() { f(dst, x, yb) })
				}
			}
			b.ReportMetric(tOld.melem(len(dst)), "old_Melem/s")
			for i := range sets {
				b.ReportMetric(times[i].melem(len(dst)), names[i]+"_Melem/s")
				b.ReportMetric(tOld.over(times[i]), names[i]+"_speedup")
			}
		})
	}
}
