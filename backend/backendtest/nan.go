package backendtest

import (
	"fmt"
	"math"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// IEEE special values as PyTorch propagates them. testNaNPropagates puts
// one NaN into one input of an op and checks that every output that
// depends on it is NaN and every other output keeps the bits of the clean
// run (other rows of a row-wise op, other batch entries, conv outputs
// whose window misses it). testUnarySpecials feeds NaN, +Inf and -Inf to
// the elementwise ops, in the vector body and in the tail of a slice, and
// checks PyTorch 1.13's results.

// span is an inclusive index range of one output axis.
type span [2]int

// all is every index of an axis.
var all = span{0, math.MaxInt}

// at is the single index i.
func at(i int) span { return span{i, i} }

// box selects the outputs whose index lies in every span.
func box(s ...span) func(o []int) bool {
	return func(o []int) bool {
		for a, r := range s {
			if o[a] < r[0] || o[a] > r[1] {
				return false
			}
		}
		return true
	}
}

// nanCase is one op with a NaN at element idx (per-axis indices) of input
// at; hit selects the outputs that depend on that element.
type nanCase struct {
	name string
	in   [][]int // input shapes, filled with seeded normal data
	at   int
	idx  []int
	op   func(c backend.Context, x []backend.Tensor) backend.Tensor
	hit  func(o []int) bool
}

// nanOp makes an op of one input.
func nanOp(f func(c backend.Context, x backend.Tensor) backend.Tensor) func(backend.Context, []backend.Tensor) backend.Tensor {
	return func(c backend.Context, x []backend.Tensor) backend.Tensor { return f(c, x[0]) }
}

// attnOp is Attention of q, k, v (and a mask when there are 4 inputs).
func attnOp(c backend.Context, x []backend.Tensor) backend.Tensor {
	var mask backend.Tensor
	if len(x) > 3 {
		mask = x[3]
	}
	return backend.Attention(c, x[0], x[1], x[2], mask, 0.25)
}

// attnOpMasked is Attention of q, k, v with a mask that hides the first
// 256 keys (one whole key block of the CPU backend) from every query.
func attnOpMasked(c backend.Context, x []backend.Tensor) backend.Tensor {
	sq, sk := x[0].Shape()[2], x[1].Shape()[2]
	m := make([]float32, sq*sk)
	for i := range m {
		if i%sk < 256 {
			m[i] = float32(math.Inf(-1))
		}
	}
	return backend.Attention(c, x[0], x[1], x[2], c.Constant(m, sq, sk), 0.25)
}

func nanCases() []nanCase {
	matmul := func(c backend.Context, x []backend.Tensor) backend.Tensor { return c.MatMul(x[0], x[1], false, false) }
	matmulT := func(c backend.Context, x []backend.Tensor) backend.Tensor { return c.MatMul(x[0], x[1], false, true) }
	matmulBias := func(c backend.Context, x []backend.Tensor) backend.Tensor {
		return backend.MatMulBias(c, x[0], x[1], x[2], false, true)
	}
	layerNorm := func(c backend.Context, x []backend.Tensor) backend.Tensor {
		return backend.LayerNorm(c, x[0], x[1], x[2], 1e-5)
	}
	rmsNorm := func(c backend.Context, x []backend.Tensor) backend.Tensor {
		return backend.RMSNorm(c, x[0], x[1], 1e-5)
	}
	groupNorm := func(c backend.Context, x []backend.Tensor) backend.Tensor {
		return backend.GroupNorm(c, x[0], 3, x[1], x[2], 1e-5)
	}
	modNorm := func(c backend.Context, x []backend.Tensor) backend.Tensor {
		return backend.ModulatedLayerNorm(c, x[0], x[1], x[2], 1e-6)
	}
	snake := func(c backend.Context, x []backend.Tensor) backend.Tensor {
		return backend.Snake(c, x[0], c.Unary(backend.Abs, x[1]), nil)
	}
	conv := func(pad int, groups int) func(c backend.Context, x []backend.Tensor) backend.Tensor {
		return func(c backend.Context, x []backend.Tensor) backend.Tensor {
			n := len(x[1].Shape()) - 2
			p := backend.ConvParams{Groups: groups, PadBefore: make([]int, n), PadAfter: make([]int, n)}
			for i := range n {
				p.PadBefore[i], p.PadAfter[i] = pad, pad
			}
			var bias backend.Tensor
			if len(x) > 2 {
				bias = x[2]
			}
			return c.Conv(x[0], x[1], bias, p)
		}
	}
	convT := func(c backend.Context, x []backend.Tensor) backend.Tensor {
		return c.ConvTranspose1d(x[0], x[1], nil, backend.ConvTransposeParams{Stride: 2, Padding: 1})
	}
	q, kv := []int{2, 2, 5, 16}, []int{2, 2, 300, 16}
	cases := []nanCase{
		{"softmax_last", [][]int{{3, 37}}, 0, []int{1, 5},
			nanOp(func(c backend.Context, x backend.Tensor) backend.Tensor { return c.Softmax(x, -1) }), box(at(1), all)},
		{"softmax_tail", [][]int{{3, 37}}, 0, []int{2, 36},
			nanOp(func(c backend.Context, x backend.Tensor) backend.Tensor { return c.Softmax(x, -1) }), box(at(2), all)},
		{"softmax_middle_axis", [][]int{{5, 4, 3}}, 0, []int{2, 1, 0},
			nanOp(func(c backend.Context, x backend.Tensor) backend.Tensor { return c.Softmax(x, 1) }), box(at(2), all, at(0))},
		{"layer_norm_x", [][]int{{3, 40}, {40}, {40}}, 0, []int{1, 7}, layerNorm, box(at(1), all)},
		{"layer_norm_w", [][]int{{3, 40}, {40}, {40}}, 1, []int{33}, layerNorm, box(all, at(33))},
		{"layer_norm_b", [][]int{{3, 40}, {40}, {40}}, 2, []int{2}, layerNorm, box(all, at(2))},
		{"rms_norm_x", [][]int{{3, 40}, {40}}, 0, []int{2, 38}, rmsNorm, box(at(2), all)},
		{"rms_norm_w", [][]int{{3, 40}, {40}}, 1, []int{17}, rmsNorm, box(all, at(17))},
		{"group_norm_x", [][]int{{2, 6, 20}, {6}, {6}}, 0, []int{1, 2, 5}, groupNorm, box(at(1), span{2, 3}, all)},
		{"group_norm_w", [][]int{{2, 6, 20}, {6}, {6}}, 1, []int{4}, groupNorm, box(all, at(4), all)},
		{"pixel_norm", [][]int{{2, 8, 5}}, 0, []int{0, 3, 2},
			nanOp(func(c backend.Context, x backend.Tensor) backend.Tensor { return backend.PixelNorm(c, x, 1, 1e-5) }),
			box(at(0), all, at(2))},
		{"modulated_layer_norm_x", [][]int{{2, 5, 40}, {2, 1, 40}, {2, 1, 40}}, 0, []int{1, 2, 17}, modNorm, box(at(1), at(2), all)},
		{"modulated_layer_norm_shift", [][]int{{2, 5, 40}, {2, 1, 40}, {2, 1, 40}}, 1, []int{0, 0, 30}, modNorm, box(at(0), all, at(30))},
		{"modulated_layer_norm_scale", [][]int{{2, 5, 40}, {2, 1, 40}, {2, 1, 40}}, 2, []int{1, 0, 3}, modNorm, box(at(1), all, at(3))},
		{"attention_q", [][]int{q, kv, kv}, 0, []int{1, 0, 3, 7}, attnOp, box(at(1), at(0), at(3), all)},
		{"attention_k", [][]int{q, kv, kv}, 1, []int{0, 1, 10, 2}, attnOp, box(at(0), at(1), all, all)},
		{"attention_k_second_block", [][]int{q, kv, kv}, 1, []int{1, 1, 280, 15}, attnOp, box(at(1), at(1), all, all)},
		{"attention_v", [][]int{q, kv, kv}, 2, []int{1, 1, 100, 5}, attnOp, box(at(1), at(1), all, at(5))},
		{"attention_short_k", [][]int{q, {2, 2, 12, 16}, {2, 2, 12, 16}}, 1, []int{0, 0, 11, 0}, attnOp, box(at(0), at(0), all, all)},
		{"attention_masked_q", [][]int{q, kv, kv, {5, 300}}, 0, []int{0, 1, 4, 0}, attnOp, box(at(0), at(1), at(4), all)},
		{"attention_masked_k", [][]int{q, kv, kv, {5, 300}}, 1, []int{1, 0, 299, 3}, attnOp, box(at(1), at(0), all, all)},
		{"attention_hidden_k", [][]int{q, kv, kv}, 1, []int{0, 1, 10, 2}, attnOpMasked, box(at(0), at(1), all, all)},
		{"attention_hidden_block_q", [][]int{q, kv, kv}, 0, []int{1, 1, 2, 9}, attnOpMasked, box(at(1), at(1), at(2), all)},
		{"attention_mask", [][]int{q, kv, kv, {5, 300}}, 3, []int{2, 40}, attnOp, box(all, all, at(2), all)},
		{"matmul_a", [][]int{{2, 40, 70}, {70, 50}}, 0, []int{1, 2, 7}, matmul, box(at(1), at(2), all)},
		{"matmul_b", [][]int{{2, 40, 70}, {70, 50}}, 1, []int{7, 49}, matmul, box(all, all, at(49))},
		{"matmul_b_transposed", [][]int{{2, 40, 70}, {50, 70}}, 1, []int{11, 69}, matmulT, box(all, all, at(11))},
		{"matmul_bias_a", [][]int{{40, 70}, {50, 70}, {50}}, 0, []int{3, 9}, matmulBias, box(at(3), all)},
		{"matmul_bias_b", [][]int{{40, 70}, {50, 70}, {50}}, 1, []int{13, 9}, matmulBias, box(all, at(13))},
		{"matmul_bias_bias", [][]int{{40, 70}, {50, 70}, {50}}, 2, []int{13}, matmulBias, box(all, at(13))},
		{"snake_x", [][]int{{2, 4, 37}, {4}}, 0, []int{1, 2, 20}, snake, box(at(1), at(2), at(20))},
		{"snake_alpha", [][]int{{2, 4, 37}, {4}}, 1, []int{1}, snake, box(all, at(1), all)},
		{"conv1d_x", [][]int{{2, 4, 30}, {5, 4, 3}, {5}}, 0, []int{1, 2, 10}, conv(1, 1), box(at(1), all, span{9, 11})},
		{"conv1d_bias", [][]int{{2, 4, 30}, {5, 4, 3}, {5}}, 2, []int{3}, conv(1, 1), box(all, at(3), all)},
		{"conv2d_x", [][]int{{1, 3, 9, 9}, {4, 3, 3, 3}}, 0, []int{0, 1, 4, 5}, conv(1, 1), box(all, all, span{3, 5}, span{4, 6})},
		{"conv2d_x_corner", [][]int{{1, 3, 9, 9}, {4, 3, 3, 3}}, 0, []int{0, 0, 0, 0}, conv(1, 1), box(all, all, span{0, 1}, span{0, 1})},
		{"conv2d_w", [][]int{{1, 3, 9, 9}, {4, 3, 3, 3}}, 1, []int{2, 1, 0, 2}, conv(0, 1), box(all, at(2), all, all)},
		{"conv2d_depthwise_x", [][]int{{1, 4, 9, 9}, {4, 1, 3, 3}}, 0, []int{0, 2, 4, 4}, conv(1, 4), box(all, at(2), span{3, 5}, span{3, 5})},
		{"conv3d_x", [][]int{{1, 2, 4, 5, 5}, {3, 2, 3, 3, 3}}, 0, []int{0, 1, 2, 2, 2}, conv(1, 1), box(all, all, span{1, 3}, span{1, 3}, span{1, 3})},
		{"conv_transpose1d_x", [][]int{{1, 4, 10}, {4, 3, 4}}, 0, []int{0, 2, 5}, convT, box(all, all, span{9, 12})},
	}
	red := []backend.ReduceOp{backend.Sum, backend.Mean, backend.Max, backend.Min}
	for i, op := range red {
		cases = append(cases, nanCase{fmt.Sprintf("reduce_%d", i), [][]int{{3, 37}}, 0, []int{1, 20},
			nanOp(func(c backend.Context, x backend.Tensor) backend.Tensor { return c.Reduce(op, x, 1, false) }), box(at(1))})
	}
	for op := backend.Add; op <= backend.Minimum; op++ {
		bin := func(c backend.Context, x []backend.Tensor) backend.Tensor { return c.Binary(op, x[0], x[1]) }
		cases = append(cases,
			nanCase{fmt.Sprintf("binary_%d_a", op), [][]int{{3, 37}, {3, 37}}, 0, []int{1, 5}, bin, box(at(1), at(5))},
			nanCase{fmt.Sprintf("binary_%d_b_broadcast", op), [][]int{{3, 37}, {37}}, 1, []int{33}, bin, box(all, at(33))},
		)
	}
	return cases
}

// testNaNPropagates runs every nanCase on the fast path and on the
// composed layers.
func testNaNPropagates(t *testing.T, b backend.Backend) {
	for _, nc := range nanCases() {
		t.Run(nc.name, func(t *testing.T) {
			data := make([][]float32, len(nc.in))
			for i, s := range nc.in {
				data[i] = randData(uint64(100+i), backend.NumElements(s), 1)
			}
			pos := 0
			for a, i := range nc.idx {
				pos = pos*nc.in[nc.at][a] + i
			}
			ctx := b.NewContext()
			defer ctx.Reset()
			for _, composed := range []bool{false, true} {
				c := backend.Context(ctx)
				if composed {
					c = backend.WithoutFastPaths(ctx)
				}
				run := func(nan bool) (out []float32, shape []int) {
					in := make([]backend.Tensor, len(data))
					for i, d := range data {
						if nan && i == nc.at {
							d = append([]float32(nil), d...)
							d[pos] = float32(math.NaN())
						}
						in[i] = c.Constant(d, nc.in[i]...)
					}
					guard(t, func() {
						y := nc.op(c, in)
						out, shape = b.Float32(y), y.Shape()
					})
					return out, shape
				}
				clean, _ := run(false)
				got, shape := run(true)
				var nans, bad int
				for i, v := range got {
					o := unravel(i, shape)
					switch {
					case nc.hit(o):
						nans++
						if v == v && bad < 5 {
							bad++
							t.Errorf("composed=%v: NaN at input %d %v: output %v is %g, want NaN (clean run %g)",
								composed, nc.at, nc.idx, o, v, clean[i])
						}
					case math.Float32bits(v) != math.Float32bits(clean[i]) && bad < 5:
						bad++
						t.Errorf("composed=%v: NaN at input %d %v: output %v, which does not depend on it, is %g, want %g",
							composed, nc.at, nc.idx, o, v, clean[i])
					}
				}
				if nans == 0 {
					t.Fatalf("the case selects no output of shape %v", shape)
				}
			}
		})
	}
}

// unarySpecials holds PyTorch 1.13's float32 results for NaN, +Inf and
// -Inf (torch.neg ... F.gelu(approximate="tanh"), Affine as 2x+1,
// F.leaky_relu with slope 0.1).
var unarySpecials = []struct {
	name string
	op   func(c backend.Context, x backend.Tensor) backend.Tensor
	want [3]float32 // f(NaN), f(+Inf), f(-Inf)
}{
	{"neg", unary(backend.Neg), [3]float32{nan32, -inf32, inf32}},
	{"abs", unary(backend.Abs), [3]float32{nan32, inf32, inf32}},
	{"exp", unary(backend.Exp), [3]float32{nan32, inf32, 0}},
	{"log", unary(backend.Log), [3]float32{nan32, inf32, nan32}},
	{"sqrt", unary(backend.Sqrt), [3]float32{nan32, inf32, nan32}},
	{"rsqrt", unary(backend.Rsqrt), [3]float32{nan32, 0, nan32}},
	{"square", unary(backend.Square), [3]float32{nan32, inf32, inf32}},
	{"recip", unary(backend.Recip), [3]float32{nan32, 0, float32(math.Copysign(0, -1))}},
	{"sin", unary(backend.Sin), [3]float32{nan32, nan32, nan32}},
	{"cos", unary(backend.Cos), [3]float32{nan32, nan32, nan32}},
	{"tanh", unary(backend.Tanh), [3]float32{nan32, 1, -1}},
	{"sigmoid", unary(backend.Sigmoid), [3]float32{nan32, 1, 0}},
	{"relu", unary(backend.ReLU), [3]float32{nan32, inf32, 0}},
	{"silu", unary(backend.SiLU), [3]float32{nan32, inf32, nan32}},
	{"gelu", unary(backend.GELU), [3]float32{nan32, inf32, nan32}},
	{"gelu_tanh", unary(backend.GELUTanh), [3]float32{nan32, inf32, nan32}},
	{"affine", func(c backend.Context, x backend.Tensor) backend.Tensor { return c.Affine(x, 2, 1) },
		[3]float32{nan32, inf32, -inf32}},
	{"leaky_relu", func(c backend.Context, x backend.Tensor) backend.Tensor { return c.LeakyReLU(x, 0.1) },
		[3]float32{nan32, inf32, -inf32}},
}

var (
	nan32 = float32(math.NaN())
	inf32 = float32(math.Inf(1))
)

func unary(op backend.UnaryOp) func(c backend.Context, x backend.Tensor) backend.Tensor {
	return func(c backend.Context, x backend.Tensor) backend.Tensor { return c.Unary(op, x) }
}

// testUnarySpecials puts NaN, +Inf and -Inf into a 37-element input (in
// the 16- and 8-lane bodies and in the tail, each value at each place in
// turn) and checks PyTorch's results there and unchanged bits elsewhere.
func testUnarySpecials(t *testing.T, b backend.Backend) {
	const n = 37
	places := [3]int{3, 20, 36}
	for _, uc := range unarySpecials {
		t.Run(uc.name, func(t *testing.T) {
			ctx := b.NewContext()
			defer ctx.Reset()
			x := randData(7, n, 2)
			var clean []float32
			guard(t, func() { clean = b.Float32(uc.op(ctx, ctx.Constant(x, n))) })
			for rot := range 3 {
				xs := append([]float32(nil), x...)
				want := append([]float32(nil), clean...)
				for v := range 3 {
					p := places[(v+rot)%3]
					xs[p] = [3]float32{nan32, inf32, -inf32}[v]
					want[p] = uc.want[v]
				}
				var got []float32
				guard(t, func() { got = b.Float32(uc.op(ctx, ctx.Constant(xs, n))) })
				for i, g := range got {
					w := want[i]
					if (w != w && g != g) || math.Float32bits(g) == math.Float32bits(w) {
						continue
					}
					t.Errorf("input %d is %g: got %g, want %g", i, xs[i], g, w)
				}
			}
		})
	}
}
