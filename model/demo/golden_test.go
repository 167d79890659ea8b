package demo

import (
	"math"
	"slices"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/internal/tensortest"
	"github.com/lockstep-av/lockstep/nn"
)

func TestTextEncoderGolden(t *testing.T) {
	forEachGolden(t, func(t *testing.T, fx *fixture) {
		f, m, info, ctx := fx.parts()
		b := ctx.Backend()
		for _, c := range []struct{ caption, prefix string }{{info.Caption, "text"}, {"", "text_null"}} {
			got, err := m.Tokenizer.Encode(c.caption)
			if err != nil {
				t.Fatalf("encode %q: %v", c.caption, err)
			}
			if want := ids(t, f, c.prefix+".ids"); !slices.Equal(got, want) {
				t.Fatalf("ids of %q: got %v want %v", c.caption, got, want)
			}
			check(t, c.prefix+".out", b, m.Text.Forward(ctx, got), f, c.prefix+".out")
		}
	})
}

func TestBlockGolden(t *testing.T) {
	forEachGolden(t, func(t *testing.T, fx *fixture) {
		f, m, _, ctx := fx.parts()
		b := ctx.Backend()
		in := func(n string) backend.Tensor { return tensortest.Tensor(t, f, b, "block."+n) }
		rope := &nn.RoPE{Cos: in("rope_cos"), Sin: in("rope_sin"), Layout: backend.RoPEInterleaved}
		xv, xa := m.DiT.Blocks[0].Forward(ctx, in("xv"), in("xa"), in("e6v"), in("e6a"), in("ctx"), rope)
		check(t, "block0.out_v", b, xv, f, "block.out_v")
		check(t, "block0.out_a", b, xa, f, "block.out_a")
	})
}

func TestRoPETableGolden(t *testing.T) {
	forEachGolden(t, func(t *testing.T, fx *fixture) {
		f, m, info, ctx := fx.parts()
		b := ctx.Backend()
		// golden_demo.py writes the table of a 2×2×3 video token grid
		// and the audio tokens (joint_rope(cfg, 2, 2, 3, 7)) whatever the
		// patch: the grid of dit.zv [16, 2, 4, 6] under the tiny model's
		// patch [1, 2, 2], not under the checkpoint's [1, 1, 1].
		ft, fh, fw := 2, 2, 3
		r, err := m.DiT.RoPE(ft, fh, fw, info.DiTAudioTokens)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "rope cos", b, r.Cos, f, "dit.rope_cos")
		check(t, "rope sin", b, r.Sin, f, "dit.rope_sin")
		if r2, _ := m.DiT.RoPE(ft, fh, fw, info.DiTAudioTokens); r2 != r {
			t.Errorf("RoPE table not cached")
		}
	})
}

func TestDiTGolden(t *testing.T) {
	forEachGolden(t, func(t *testing.T, fx *fixture) {
		f, m, info, ctx := fx.parts()
		b := ctx.Backend()
		// The sigmas are the metadata's exact float64 values (the F32 tensors
		// dit.sigma_* are rounded).
		sv, sa := []float64{info.DiTSigmaV}, []float64{info.DiTSigmaA}
		// The time embeddings include the pooled caption of dit.ctx (text_pool
		// configs; nil otherwise), as in Forward.
		pooled := m.DiT.Pool(ctx, m.DiT.TextEmbedding.Forward(ctx, tensortest.Tensor(t, f, b, "dit.ctx")))
		if (pooled != nil) != m.Config.DiT.TextPool {
			t.Fatalf("pooled caption %v with text_pool %v", pooled, m.Config.DiT.TextPool)
		}
		ev, e6v := m.DiT.Time(ctx, sv, pooled)
		ea, e6a := m.DiT.Time(ctx, sa, pooled)
		check(t, "dit.e_v", b, ev, f, "dit.e_v")
		check(t, "dit.e6_v", b, e6v, f, "dit.e6_v")
		check(t, "dit.e_a", b, ea, f, "dit.e_a")
		check(t, "dit.e6_a", b, e6a, f, "dit.e6_a")

		vv, va, err := m.DiT.Forward(ctx, tensortest.Tensor(t, f, b, "dit.zv"), tensortest.Tensor(t, f, b, "dit.za"), tensortest.Tensor(t, f, b, "dit.ctx"), sv, sa)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "dit.vv", b, vv, f, "dit.vv")
		check(t, "dit.va", b, va, f, "dit.va")
	})
}

// TestDiTBatch runs two copies of the fixture's input as a batch of 2 with
// per-sample noise levels and checks that each sample matches its own
// batch-1 forward.
func TestDiTBatch(t *testing.T) {
	forEachGolden(t, func(t *testing.T, fx *fixture) {
		f, m, info, ctx := fx.parts()
		b := ctx.Backend()
		zv, za, c := tensortest.Tensor(t, f, b, "dit.zv"), tensortest.Tensor(t, f, b, "dit.za"), tensortest.Tensor(t, f, b, "dit.ctx")
		sv, sa := []float64{info.DiTSigmaV, 0.25}, []float64{info.DiTSigmaA, 0.9}
		vv, va, err := m.DiT.Forward(ctx, ctx.Concat(0, zv, zv), ctx.Concat(0, za, za), ctx.Concat(0, c, c), sv, sa)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			v1, a1, err := m.DiT.Forward(ctx, zv, za, c, sv[i:i+1], sa[i:i+1])
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, "batch video", v1.Shape(), b.Float32(ctx.Slice(vv, 0, i, i+1)), v1.Shape(), b.Float32(v1))
			checkValues(t, "batch audio", a1.Shape(), b.Float32(ctx.Slice(va, 0, i, i+1)), a1.Shape(), b.Float32(a1))
		}
	})
}

// TestDiTBatchSharedSigma runs a batch of 2 with one noise level per
// modality for the batch and two different captions (the fixture's and a
// scaled copy), so that with text_pool the time embeddings differ per
// sample while sigma is broadcast, and checks each sample against its own
// batch-1 forward.
func TestDiTBatchSharedSigma(t *testing.T) {
	forEachGolden(t, func(t *testing.T, fx *fixture) {
		f, m, info, ctx := fx.parts()
		b := ctx.Backend()
		zv, za, c := tensortest.Tensor(t, f, b, "dit.zv"), tensortest.Tensor(t, f, b, "dit.za"), tensortest.Tensor(t, f, b, "dit.ctx")
		cs := []backend.Tensor{c, ctx.Affine(c, -0.5, 0.25)}
		sv, sa := []float64{info.DiTSigmaV}, []float64{info.DiTSigmaA}
		vv, va, err := m.DiT.Forward(ctx, ctx.Concat(0, zv, zv), ctx.Concat(0, za, za), ctx.Concat(0, cs...), sv, sa)
		if err != nil {
			t.Fatal(err)
		}
		for i, ci := range cs {
			v1, a1, err := m.DiT.Forward(ctx, zv, za, ci, sv, sa)
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, "batch video", v1.Shape(), b.Float32(ctx.Slice(vv, 0, i, i+1)), v1.Shape(), b.Float32(v1))
			checkValues(t, "batch audio", a1.Shape(), b.Float32(ctx.Slice(va, 0, i, i+1)), a1.Shape(), b.Float32(a1))
		}
		if m.DiT.TextPool != nil {
			e, e6 := m.DiT.Time(ctx, sv, m.DiT.Pool(ctx, m.DiT.TextEmbedding.Forward(ctx, ctx.Concat(0, cs...))))
			if !slices.Equal(e.Shape(), []int{2, m.DiT.Dim()}) || !slices.Equal(e6.Shape(), []int{2, 6, m.DiT.Dim()}) {
				t.Errorf("Time of 1 sigma and 2 pooled captions: e %v, e6 %v; want batch 2", e.Shape(), e6.Shape())
			}
		}
	})
}

// TestSamplingGolden reproduces the fixture's guided sampling run with a
// minimal Euler + CFG loop (the real loop is package diffusion's): the
// latents before each step, the guided velocities and the final latents.
// The loop is closed (each step starts from this engine's own latents), so
// errors accumulate as in real use.
func TestSamplingGolden(t *testing.T) {
	forEachGolden(t, func(t *testing.T, fx *fixture) {
		f, m, info, ctx := fx.parts()
		b := ctx.Backend()
		cond, err := m.Tokenizer.Encode(info.Caption)
		if err != nil {
			t.Fatal(err)
		}
		// Text contexts are persistent across the steps: copy them out.
		persist := func(x backend.Tensor) backend.Tensor {
			p, err := b.FromFloat32(b.Float32(x), x.Shape()...)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		c := persist(m.Text.Forward(ctx, cond))
		null := persist(m.Text.Forward(ctx, m.Tokenizer.Null()))
		ctx.Reset()

		xv, vshape := tensortest.Values(t, f, "sample.noise_v")
		xa, ashape := tensortest.Values(t, f, "sample.noise_a")
		sig := sigmas(info.Steps, info.Shift)
		wantSig, _ := tensortest.Values(t, f, "sample.sigmas")
		checkValues(t, "sigmas", []int{len(sig)}, f32s(sig), []int{len(wantSig)}, wantSig)

		for i := range info.Steps {
			if i < 3 {
				p := "sample.step" + string(rune('0'+i)) + "."
				wv, _ := tensortest.Values(t, f, p+"xv")
				wa, _ := tensortest.Values(t, f, p+"xa")
				checkValues(t, p+"xv", vshape, xv, vshape, wv)
				checkValues(t, p+"xa", ashape, xa, ashape, wa)
			}
			zv, err := b.FromFloat32(xv, vshape...)
			if err != nil {
				t.Fatal(err)
			}
			za, err := b.FromFloat32(xa, ashape...)
			if err != nil {
				t.Fatal(err)
			}
			s := []float64{sig[i]}
			cv, ca, err := m.DiT.Forward(ctx, zv, za, c, s, s)
			if err != nil {
				t.Fatal(err)
			}
			uv, ua, err := m.DiT.Forward(ctx, zv, za, null, s, s)
			if err != nil {
				t.Fatal(err)
			}
			vv := guide(b.Float32(uv), b.Float32(cv), info.CFGVideo)
			va := guide(b.Float32(ua), b.Float32(ca), info.CFGAudio)
			if i < 3 {
				p := "sample.step" + string(rune('0'+i)) + "."
				wv, _ := tensortest.Values(t, f, p+"vv")
				wa, _ := tensortest.Values(t, f, p+"va")
				checkValues(t, p+"vv", vshape, vv, vshape, wv)
				checkValues(t, p+"va", ashape, va, ashape, wa)
			}
			dt := sig[i+1] - sig[i]
			euler(xv, vv, dt)
			euler(xa, va, dt)
			ctx.Reset()
		}
		wv, _ := tensortest.Values(t, f, "sample.zv")
		wa, _ := tensortest.Values(t, f, "sample.za")
		checkValues(t, "sample.zv", vshape, xv, vshape, wv)
		checkValues(t, "sample.za", ashape, xa, ashape, wa)
	})
}

// sigmas is SPEC.md's schedule: t_i = 1 - i/N, s_i = shift·t/(1 + (shift-1)·t).
func sigmas(steps int, shift float64) []float64 {
	s := make([]float64, steps+1)
	for i := range s {
		t := 1 - float64(i)/float64(steps)
		s[i] = shift * t / (1 + (shift-1)*t)
	}
	return s
}

// guide is classifier-free guidance u + g·(c - u), in float64.
func guide(u, c []float32, g float64) []float32 {
	out := make([]float32, len(u))
	for i := range u {
		out[i] = float32(float64(u[i]) + g*(float64(c[i])-float64(u[i])))
	}
	return out
}

// euler is x += dt·v.
func euler(x, v []float32, dt float64) {
	for i := range x {
		x[i] = float32(float64(x[i]) + dt*float64(v[i]))
	}
}

func f32s(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

// TestDiTComposed runs the whole DiT through the backend's composed
// fallbacks (no fast paths: attention, norms and RoPE from primitive ops),
// as a backend without them would.
func TestDiTComposed(t *testing.T) {
	forEachGolden(t, func(t *testing.T, fx *fixture) {
		f, m, info, ctx := fx.parts()
		b := ctx.Backend()
		slow := backend.WithoutFastPaths(ctx)
		vv, va, err := m.DiT.Forward(slow, tensortest.Tensor(t, f, b, "dit.zv"), tensortest.Tensor(t, f, b, "dit.za"), tensortest.Tensor(t, f, b, "dit.ctx"),
			[]float64{info.DiTSigmaV}, []float64{info.DiTSigmaA})
		if err != nil {
			t.Fatal(err)
		}
		check(t, "composed dit.vv", b, vv, f, "dit.vv")
		check(t, "composed dit.va", b, va, f, "dit.va")
		check(t, "composed text.out", b, m.Text.Forward(slow, ids(t, f, "text.ids")), f, "text.out")
	})
}

// TestDeterminism: the text encoder and DiT outputs are bit-identical for 1
// and 3 CPU threads.
func TestDeterminism(t *testing.T) {
	forEachGolden(t, func(t *testing.T, fx *fixture) {
		f, _, info, _ := fx.parts()
		var outs [2][][]float32
		for i, threads := range []int{1, 3} {
			b := cpu.New(threads)
			m, err := LoadPrefix(b, fx.Weights, fx.Prefix)
			if err != nil {
				t.Fatal(err)
			}
			ctx := b.NewContext()
			c := m.Text.Forward(ctx, ids(t, f, "text.ids"))
			vv, va, err := m.DiT.Forward(ctx, tensortest.Tensor(t, f, b, "dit.zv"), tensortest.Tensor(t, f, b, "dit.za"), c,
				[]float64{info.DiTSigmaV}, []float64{info.DiTSigmaA})
			if err != nil {
				t.Fatal(err)
			}
			outs[i] = [][]float32{b.Float32(c), b.Float32(vv), b.Float32(va)}
		}
		for k, name := range []string{"text", "video", "audio"} {
			for j := range outs[0][k] {
				if math.Float32bits(outs[0][k][j]) != math.Float32bits(outs[1][k][j]) {
					t.Fatalf("%s output %d: %g with 1 thread, %g with 3", name, j, outs[0][k][j], outs[1][k][j])
				}
			}
		}
	})
}
