package nn

import (
	"errors"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/tensortest"
	"github.com/lockstep-av/lockstep/weights"
)

func TestLinear(t *testing.T) {
	f, b, ctx := fixture(t)
	for _, name := range []string{"linear_f32", "linear_f16", "linear_bf16"} {
		t.Run(name, func(t *testing.T) {
			var l Linear
			bind(t, f, b, &l, name+".")
			x := tensortest.Tensor(t, f, b, name+".x")
			check(t, f, b, l.Forward(ctx, x), name+".y", f32Tol)
		})
	}
}

// paths returns ctx and its view without fast paths, so that layers are
// checked both through the backend's fused ops and the composed fallbacks
// other backends may take.
func paths(ctx backend.Context) []struct {
	name string
	ctx  backend.Context
} {
	return []struct {
		name string
		ctx  backend.Context
	}{{"fast", ctx}, {"composed", backend.WithoutFastPaths(ctx)}}
}

func TestNorms(t *testing.T) {
	f, b, ctx0 := fixture(t)
	for _, p := range paths(ctx0) {
		t.Run(p.name, func(t *testing.T) { testNorms(t, f, b, p.ctx) })
	}
}

func testNorms(t *testing.T, f *weights.File, b backend.Backend, ctx backend.Context) {
	x := tensortest.Tensor(t, f, b, "norm.x")
	var ln LayerNorm
	bind(t, f, b, &ln, "layernorm.")
	check(t, f, b, ln.Forward(ctx, x), "layernorm.y", f32Tol)
	check(t, f, b, (&LayerNorm{}).Forward(ctx, x), "layernorm_plain.y", f32Tol)

	var rms RMSNorm // BF16 weight
	bind(t, f, b, &rms, "rmsnorm.")
	check(t, f, b, rms.Forward(ctx, x), "rmsnorm.y", f32Tol)
	check(t, f, b, (&RMSNorm{}).Forward(ctx, x), "rmsnorm_plain.y", f32Tol)

	gn := GroupNorm{Groups: 4}
	bind(t, f, b, &gn, "groupnorm.")
	check(t, f, b, gn.Forward(ctx, tensortest.Tensor(t, f, b, "groupnorm.x")), "groupnorm.y", f32Tol)
}

func TestActivations(t *testing.T) {
	f, b, ctx := fixture(t)
	x := tensortest.Tensor(t, f, b, "act.x")
	for _, tc := range []struct {
		act  Activation
		want string
	}{{GELUTanh, "act.gelu_tanh"}, {GELU, "act.gelu"}, {SiLU, "act.silu"}} {
		t.Run(tc.act.String(), func(t *testing.T) {
			check(t, f, b, tc.act.Apply(ctx, x), tc.want, f32Tol)
		})
	}
	if Identity.Apply(ctx, x) != x {
		t.Error("Identity must return its input")
	}
}

func TestFeedForward(t *testing.T) {
	f, b, ctx := fixture(t)
	var ff FeedForward // F16 weights, GELU(tanh)
	bind(t, f, b, &ff, "ffn.")
	if err := ff.Check(); err != nil {
		t.Fatal(err)
	}
	check(t, f, b, ff.Forward(ctx, tensortest.Tensor(t, f, b, "ffn.x")), "ffn.y", f32Tol)
}

// goldenPositions are the joint token positions of train/golden_nn.py: a
// 2×2×3 video latent grid followed by 4 audio tokens two per latent frame.
func goldenPositions() [][]float64 {
	return ConcatPositions(GridPositions(2, 2, 3, 0, 1), TimePositions(4, 0, 0.5))
}

func TestAttention(t *testing.T) {
	f, b, ctx0 := fixture(t)
	for _, p := range paths(ctx0) {
		t.Run(p.name, func(t *testing.T) { testAttention(t, f, b, p.ctx) })
	}
}

func testAttention(t *testing.T, f *weights.File, b backend.Backend, ctx backend.Context) {
	rope3d, err := NewRoPE(b, goldenPositions(), AxisDims3D(16), 0, backend.RoPEInterleaved)
	if err != nil {
		t.Fatal(err)
	}
	rope1d, err := NewRoPE(b, [][]float64{LinearPositions(7, 3, 1.25)}, []int{10}, 500, backend.RoPESplitHalf)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("self_full_qknorm_rope3d", func(t *testing.T) {
		a := Attention{Heads: 2, QKNorm: QKNormFull}
		bind(t, f, b, &a, "attn_self.")
		if err := a.Check(); err != nil {
			t.Fatal(err)
		}
		bad := a
		bad.QKNorm = QKNormPerHead
		if err := bad.Check(); err == nil {
			t.Error("Check accepted [H·D] norm weights for a per-head norm")
		}
		bad.Heads = 3
		if err := bad.Check(); err == nil {
			t.Error("Check accepted 3 heads for inner dimension 32")
		}
		x := tensortest.Tensor(t, f, b, "attn_self.x")
		check(t, f, b, a.Forward(ctx, x, x, rope3d, nil), "attn_self.y", f32Tol)
	})
	t.Run("cross_perhead_qknorm_mask_bf16", func(t *testing.T) {
		a := Attention{Heads: 4, QKNorm: QKNormPerHead}
		bind(t, f, b, &a, "attn_cross.")
		if err := a.Check(); err != nil {
			t.Fatal(err)
		}
		x, c, m := tensortest.Tensor(t, f, b, "attn_cross.x"), tensortest.Tensor(t, f, b, "attn_cross.context"), tensortest.Tensor(t, f, b, "attn_cross.mask")
		check(t, f, b, a.Forward(ctx, x, c, nil, m), "attn_cross.y", f32Tol)
	})
	t.Run("self_rope1d_splithalf", func(t *testing.T) {
		a := Attention{Heads: 2}
		bind(t, f, b, &a, "attn_rope1d.")
		x := tensortest.Tensor(t, f, b, "attn_rope1d.x")
		check(t, f, b, a.Forward(ctx, x, x, rope1d, nil), "attn_rope1d.y", f32Tol)
	})
}

func TestRoPETables(t *testing.T) {
	f, b, _ := fixture(t)
	// cos/sin of float64 angles rounded once: within one float32 ulp.
	exact := tol{Abs: 1e-7, Rel: 1e-7}
	r, err := NewRoPE(b, goldenPositions(), AxisDims3D(16), DefaultRoPETheta, backend.RoPEInterleaved)
	if err != nil {
		t.Fatal(err)
	}
	check(t, f, b, r.Cos, "rope3d.cos", exact)
	check(t, f, b, r.Sin, "rope3d.sin", exact)
	r, err = NewRoPE(b, [][]float64{LinearPositions(7, 3, 1.25)}, []int{10}, 500, backend.RoPESplitHalf)
	if err != nil {
		t.Fatal(err)
	}
	check(t, f, b, r.Cos, "rope1d.cos", exact)
	check(t, f, b, r.Sin, "rope1d.sin", exact)

	for _, tc := range []struct{ d, t, hw int }{{128, 44, 42}, {64, 24, 20}, {16, 8, 4}, {12, 4, 4}} {
		got := AxisDims3D(tc.d)
		if got[0] != tc.t || got[1] != tc.hw || got[2] != tc.hw {
			t.Errorf("AxisDims3D(%d) = %v, want [%d %d %d]", tc.d, got, tc.t, tc.hw, tc.hw)
		}
	}
	// Time alignment: an audio token at the instant of a video frame has
	// the same time angles, and unrotated height/width pairs.
	ang := RoPEAngles(ConcatPositions(GridPositions(2, 1, 1, 0, 1), TimePositions(1, 1, 0)), AxisDims3D(16), 0)
	for j := range 8 {
		video, audio := ang[8+j], ang[16+j]
		if j < 4 && video != audio || j >= 4 && audio != 0 {
			t.Errorf("pair %d: video angle %g, audio angle %g", j, video, audio)
		}
	}
}

func TestSinusoidalEmbedding(t *testing.T) {
	f, b, ctx := fixture(t)
	ts, _, err := f.Float32("timestep.t")
	if err != nil {
		t.Fatal(err)
	}
	t64 := make([]float64, len(ts))
	for i, v := range ts {
		t64[i] = float64(v)
	}
	exact := tol{Abs: 1e-7, Rel: 1e-7}
	got := SinusoidalEmbedding(t64, 33, Sinusoidal{DownscaleFreqShift: 1})
	check(t, f, b, ctx.Constant(got, len(ts), 33), "timestep.sin_shift1", exact)
	wan := Sinusoidal{FlipSinToCos: true}
	check(t, f, b, ctx.Constant(SinusoidalEmbedding(t64, 32, wan), len(ts), 32), "timestep.cos_shift0", exact)

	te := TimestepEmbedding{Sinusoidal: wan}
	bind(t, f, b, &te, "time_embedding.")
	emb := te.Forward(ctx, t64)
	check(t, f, b, emb, "time_embedding.y", f32Tol)

	// adaLN: Wan's time_projection, per-block table, modulated norm, gated residual.
	p := ConditionProjection{N: 6}
	bind(t, f, b, &p, "time_projection.")
	e0 := p.Forward(ctx, emb)
	check(t, f, b, e0, "time_projection.y", f32Tol)
	var m Modulation
	bind(t, f, b, &m, "block.")
	e := m.Chunks(ctx, e0)
	shift, scale, gate := e[0], e[1], e[2]
	x := tensortest.Tensor(t, f, b, "block.x")
	y := Modulate(ctx, (&LayerNorm{}).Forward(ctx, x), shift, scale)
	check(t, f, b, y, "block.modulated", f32Tol)
	check(t, f, b, GatedResidual(ctx, x, y, gate), "block.y", f32Tol)
}

func TestConv(t *testing.T) {
	f, b, ctx := fixture(t)
	c1 := Conv1d{Stride: 2, Padding: 1, Groups: 2}
	bind(t, f, b, &c1, "conv1d.")
	check(t, f, b, c1.Forward(ctx, tensortest.Tensor(t, f, b, "conv1d.x")), "conv1d.y", f32Tol)
	c2 := Conv2d{Padding: [2]int{1, 1}, Dilation: [2]int{1, 2}} // F16 weight
	bind(t, f, b, &c2, "conv2d.")
	check(t, f, b, c2.Forward(ctx, tensortest.Tensor(t, f, b, "conv2d.x")), "conv2d.y", f32Tol)
	c3 := Conv3d{Padding: [3]int{1, 1, 1}, Stride: [3]int{1, 2, 2}} // no bias
	bind(t, f, b, &c3, "conv3d.")
	check(t, f, b, c3.Forward(ctx, tensortest.Tensor(t, f, b, "conv3d.x")), "conv3d.y", f32Tol)
	ct := ConvTranspose1d{Stride: 2, Padding: 1, OutputPadding: 1, Groups: 2}
	bind(t, f, b, &ct, "convt1d.")
	check(t, f, b, ct.Forward(ctx, tensortest.Tensor(t, f, b, "convt1d.x")), "convt1d.y", f32Tol)
}

func TestUpsample(t *testing.T) {
	f, b, ctx := fixture(t)
	exact := tol{}
	x := tensortest.Tensor(t, f, b, "upsample.x")
	check(t, f, b, UpsampleNearest(ctx, x, 1, 2, 3), "upsample.nearest", exact)
	check(t, f, b, DepthToSpace(ctx, tensortest.Tensor(t, f, b, "upsample.x2"), 2, 2), "upsample.d2s2", exact)
	check(t, f, b, DepthToSpace(ctx, x, 2, 2, 1), "upsample.d2s3", exact)
}

func TestShapeErrors(t *testing.T) {
	f, b, ctx := fixture(t)
	var l Linear
	bind(t, f, b, &l, "linear_f32.")
	var err error
	func() {
		defer backend.Recover(&err, "linear")
		l.Forward(ctx, ctx.Zeros(2, 23))
	}()
	var se *backend.ShapeError
	if !errors.As(err, &se) {
		t.Fatalf("Linear on a wrong width: error %v, want a *backend.ShapeError", err)
	}
	t.Logf("wrong width: %v", err)

	// Missing required weights are listed by Bind.
	var a Attention
	err = weights.Bind(f, b, &a, weights.BindOptions{Prefix: "nothing."})
	var be *weights.BindError
	if !errors.As(err, &be) || len(be.Missing) != 4 {
		t.Fatalf("bind of absent attention: %v, want 4 missing q/k/v/o weights", err)
	}
}
