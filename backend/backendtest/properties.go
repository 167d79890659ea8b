package backendtest

import (
	"errors"
	"runtime"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// runProperties runs the checks that need no fixtures.
func runProperties(t *testing.T, b backend.Backend) {
	t.Run("reset_reuse", func(t *testing.T) { testResetReuse(t, b) })
	t.Run("shape_errors", func(t *testing.T) { testShapeErrors(t, b) })
	t.Run("inputs_unchanged", func(t *testing.T) { testInputsUnchanged(t, b) })
	t.Run("modulated_layernorm", func(t *testing.T) { testModulatedLayerNorm(t, b) })
	t.Run("matmul_bias", func(t *testing.T) { testMatMulBias(t, b) })
	t.Run("nan_propagates", func(t *testing.T) { testNaNPropagates(t, b) })
	t.Run("unary_specials", func(t *testing.T) { testUnarySpecials(t, b) })
}

// testResetReuse runs equal steps separated by Reset: results must equal a
// fresh context's bit for bit (no stale data in recycled memory, Zeros is
// zero again), and after the first step the ops must allocate (from the Go
// heap) far less than the temporaries they return.
func testResetReuse(t *testing.T, b backend.Backend) {
	const n = 128
	data := [][]float32{randData(1, n*n, 1), randData(2, n*n, 1)}
	w := randData(3, n*n, fanIn(n))
	var allocated uint64
	step := func(ctx backend.Context, seed int, measure bool) []float32 {
		var before runtime.MemStats
		if measure {
			runtime.ReadMemStats(&before)
		}
		x := ctx.Constant(data[seed], n, n)
		z := ctx.Zeros(n, n)
		y := ctx.Binary(backend.Add, ctx.MatMul(x, ctx.Constant(w, n, n), false, true), z)
		y = ctx.Softmax(ctx.Unary(backend.GELU, y), -1)
		y = backend.LayerNorm(ctx, ctx.Concat(0, y, z), nil, nil, 1e-5)
		s := ctx.Reduce(backend.Sum, ctx.Pad(y, []int{1, 0}, []int{0, 1}, backend.PadConstant, 0), 0, false)
		if measure {
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			allocated += after.TotalAlloc - before.TotalAlloc
		}
		for i, v := range b.Float32(z) {
			if v != 0 {
				t.Fatalf("Zeros after Reset: element %d is %g", i, v)
			}
		}
		return b.Float32(s)
	}
	want := make([][]float32, 2)
	for i := range want {
		ctx := b.NewContext()
		guard(t, func() { want[i] = step(ctx, i, false) })
		ctx.Reset()
	}
	ctx := b.NewContext()
	const steps = 6
	for i := range steps {
		var got []float32
		guard(t, func() { got = step(ctx, i%2, i >= 2) })
		if j := firstBitDiff(got, want[i%2]); j >= 0 {
			t.Fatalf("step %d after Reset differs from a fresh context at index %d: %g vs %g",
				i, j, got[j], want[i%2][j])
		}
		ctx.Reset()
	}
	// Temporaries per step: about 12 tensors of n·n float32.
	temps := uint64(12 * n * n * 4)
	perStep := allocated / (steps - 2)
	t.Logf("Go heap allocated per step after warm-up: %d bytes (temporaries ~%d bytes)", perStep, temps)
	if perStep > temps/8 {
		t.Errorf("a step after Reset allocates %d bytes from the Go heap, more than 1/8 of its ~%d bytes of temporaries: memory is not being reused", perStep, temps)
	}
}

// shapeCase is a call that must panic with a *backend.ShapeError.
type shapeCase struct {
	name  string
	layer bool // a layer function: also run on the composed path
	call  func(c backend.Context, t func(shape ...int) backend.Tensor)
}

var shapeCases = []shapeCase{
	{"binary_broadcast", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.Binary(backend.Add, t(2, 3), t(4))
	}},
	{"matmul_inner", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.MatMul(t(2, 3), t(4, 5), false, false)
	}},
	{"matmul_batch", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.MatMul(t(2, 3, 4), t(3, 4, 5), false, false)
	}},
	{"reshape_size", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.Reshape(t(2, 3), 4, 2)
	}},
	{"permute_rank", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.Permute(t(2, 3), 0)
	}},
	{"slice_range", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.Slice(t(2, 3), 1, 1, 5)
	}},
	{"concat_shapes", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.Concat(0, t(2, 3), t(2, 4))
	}},
	{"reduce_axis", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.Reduce(backend.Sum, t(2, 3), 2, false)
	}},
	{"softmax_axis", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.Softmax(t(2, 3), -3)
	}},
	{"pad_rank", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.Pad(t(2, 3), []int{1}, []int{1}, backend.PadConstant, 0)
	}},
	{"conv_channels", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.Conv(t(1, 3, 8), t(4, 2, 3), nil, backend.ConvParams{})
	}},
	{"conv_transpose_channels", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.ConvTranspose1d(t(1, 3, 8), t(4, 2, 3), nil, backend.ConvTransposeParams{})
	}},
	{"upsample_rank", false, func(c backend.Context, t func(...int) backend.Tensor) {
		c.UpsampleNearest(t(4), 2, 2)
	}},
	{"layer_norm_weight", true, func(c backend.Context, t func(...int) backend.Tensor) {
		backend.LayerNorm(c, t(2, 3), t(5), nil, 1e-5)
	}},
	{"rms_norm_weight", true, func(c backend.Context, t func(...int) backend.Tensor) {
		backend.RMSNorm(c, t(2, 3), t(5), 1e-5)
	}},
	{"group_norm_groups", true, func(c backend.Context, t func(...int) backend.Tensor) {
		backend.GroupNorm(c, t(1, 6, 4), 4, nil, nil, 1e-5)
	}},
	{"attention_dims", true, func(c backend.Context, t func(...int) backend.Tensor) {
		backend.Attention(c, t(1, 1, 3, 4), t(1, 1, 5, 6), t(1, 1, 5, 4), nil, 0.5)
	}},
	{"rope_odd", true, func(c backend.Context, t func(...int) backend.Tensor) {
		backend.RoPE(c, t(1, 3, 5), t(3, 2), t(3, 2), backend.RoPESplitHalf)
	}},
	{"depth_to_space_channels", true, func(c backend.Context, t func(...int) backend.Tensor) {
		backend.DepthToSpace(c, t(1, 6, 2, 2), 2, 2)
	}},
}

// testShapeErrors checks that mismatched shapes panic with a
// *backend.ShapeError that backend.Recover turns into an error.
func testShapeErrors(t *testing.T, b backend.Backend) {
	for _, sc := range shapeCases {
		t.Run(sc.name, func(t *testing.T) {
			ctx := b.NewContext()
			defer ctx.Reset()
			ctxs := []backend.Context{ctx}
			if sc.layer {
				ctxs = append(ctxs, backend.WithoutFastPaths(ctx))
			}
			for i, c := range ctxs {
				mk := func(shape ...int) backend.Tensor { return c.Zeros(shape...) }
				err := catch(sc.name, func() { sc.call(c, mk) })
				var se *backend.ShapeError
				switch {
				case err == nil:
					t.Errorf("context %d: no panic", i)
				case !errors.As(err, &se):
					t.Errorf("context %d: panic is not a *backend.ShapeError: %v", i, err)
				}
			}
		})
	}
}

// testInputsUnchanged applies ops to temporaries (which an implementation
// might be tempted to overwrite in place) and checks they are unchanged.
func testInputsUnchanged(t *testing.T, b backend.Backend) {
	ctx := b.NewContext()
	defer ctx.Reset()
	mk := func(seed uint64, shape ...int) backend.Tensor {
		return ctx.Constant(randData(seed, backend.NumElements(shape), 1), shape...)
	}
	x := mk(1, 2, 4, 6, 8)
	y := mk(2, 2, 4, 6, 8)
	w := mk(3, 8)
	cos, sin := mk(4, 6, 4), mk(5, 6, 4)
	inputs := []backend.Tensor{x, y, w, cos, sin}
	snap := make([][]float32, len(inputs))
	for i, in := range inputs {
		snap[i] = b.Float32(in)
	}
	for _, c := range []backend.Context{ctx, backend.WithoutFastPaths(ctx)} {
		guard(t, func() { applyAll(c, x, y, w, cos, sin) })
	}
	for i, in := range inputs {
		if j := firstBitDiff(b.Float32(in), snap[i]); j >= 0 {
			t.Errorf("input %d %v was modified at index %d", i, in.Shape(), j)
		}
	}
}

// applyAll calls most ops and layers on x [2, 4, 6, 8], y like x, w [8] and
// cos, sin [6, 4].
func applyAll(c backend.Context, x, y, w, cos, sin backend.Tensor) {
	mk := func(seed uint64, shape ...int) backend.Tensor {
		return c.Constant(randData(seed, backend.NumElements(shape), 1), shape...)
	}
	for op := backend.Add; op <= backend.Minimum; op++ {
		c.Binary(op, x, y)
		c.Binary(op, x, w)
	}
	for op := backend.Neg; op <= backend.GELUTanh; op++ {
		c.Unary(op, x)
	}
	c.Affine(x, 2, 1)
	c.LeakyReLU(x, 0.1)
	c.Softmax(x, -1)
	c.Reduce(backend.Mean, x, 1, true)
	c.MatMul(x, y, false, true)
	backend.MatMulBias(c, x, c.Reshape(c.Slice(y, 0, 0, 1), 4*6, 8), c.Slice(c.Reshape(x, 384), 0, 0, 24), false, true)
	c.Permute(x, 0, 3, 1, 2)
	c.Pad(x, []int{0, 0, 1, 1}, []int{0, 0, 1, 1}, backend.PadReflect, 0)
	c.Affine(c.Reshape(x, 8, 48), 3, 0)
	c.Conv(x, mk(4, 3, 4, 3, 3), nil, backend.ConvParams{})
	c.UpsampleNearest(x, 2, 2)
	backend.LayerNorm(c, x, w, w, 1e-5)
	backend.ModulatedLayerNorm(c, x, w, w, 1e-6)
	backend.RMSNorm(c, x, w, 1e-5)
	backend.GroupNorm(c, x, 2, nil, nil, 1e-5)
	backend.PixelNorm(c, x, 1, 1e-5)
	backend.Attention(c, x, y, y, nil, 0.3)
	backend.RoPE(c, x, cos, sin, backend.RoPEInterleaved)
	backend.RoPE(c, x, cos, sin, backend.RoPESplitHalf)
	c.Concat(1, x, y)
	c.Slice(x, 2, 1, 3)
	c.Embedding(c.Reshape(x, 48, 8), []int{3, 1, 3})
	c.ConvTranspose1d(c.Reshape(x, 2, 4, 48), mk(6, 4, 2, 3), nil, backend.ConvTransposeParams{Stride: 2})
	backend.DepthToSpace(c, x, 2, 2)
	backend.Snake(c, c.Reshape(x, 2, 4, 48), c.Slice(w, 0, 0, 4), nil)
}

// guard runs f, turning a panic into a test failure.
func guard(t testing.TB, f func()) {
	t.Helper()
	if err := catch("op", f); err != nil {
		t.Fatal(err)
	}
}
