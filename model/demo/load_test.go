package demo

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/internal/tensortest"
	"github.com/lockstep-av/lockstep/scene"
	"github.com/lockstep-av/lockstep/weights"
)

// tensorShapes lists the text. and dit. tensors of a config, written out
// from SPEC.md's tables independently of the model structs.
func tensorShapes(c *Config) map[string][]int {
	s := map[string][]int{}
	lin := func(name string, out, in int) {
		s[name+".weight"] = []int{out, in}
		s[name+".bias"] = []int{out}
	}
	norm := func(name string, d int) {
		s[name+".weight"] = []int{d}
		s[name+".bias"] = []int{d}
	}
	attn := func(name string, d, dkv int, qk bool) {
		lin(name+".q", d, d)
		lin(name+".k", d, dkv)
		lin(name+".v", d, dkv)
		lin(name+".o", d, d)
		if qk {
			s[name+".norm_q.weight"] = []int{d}
			s[name+".norm_k.weight"] = []int{d}
		}
	}
	tx := c.Text
	s["text.token_embedding.weight"] = []int{len(c.Vocabulary), tx.Dim}
	s["text.position_embedding"] = []int{tx.MaxTokens, tx.Dim}
	for i := range tx.Layers {
		p := fmt.Sprintf("text.layers.%d.", i)
		norm(p+"norm1", tx.Dim)
		attn(p+"attn", tx.Dim, tx.Dim, false)
		norm(p+"norm2", tx.Dim)
		lin(p+"ffn.0", tx.FFNDim, tx.Dim)
		lin(p+"ffn.2", tx.Dim, tx.FFNDim)
	}
	norm("text.norm", tx.Dim)

	d := c.DiT
	D, cv, ca := d.Dim, c.VideoVAE.ZChannels, c.AudioVAE.ZChannels
	s["dit.patch_embedding.weight"] = []int{D, cv, d.Patch[0], d.Patch[1], d.Patch[2]}
	s["dit.patch_embedding.bias"] = []int{D}
	lin("dit.audio_embedding", D, ca)
	lin("dit.text_embedding.0", D, tx.Dim)
	lin("dit.text_embedding.2", D, D)
	lin("dit.time_embedding.0", D, d.FreqDim)
	lin("dit.time_embedding.2", D, D)
	lin("dit.time_projection.1", 6*D, D)
	if d.TextPool {
		lin("dit.text_pool", D, D)
	}
	for i := range d.Layers {
		p := fmt.Sprintf("dit.blocks.%d.", i)
		attn(p+"self_attn", D, D, true)
		attn(p+"cross_attn", D, D, true)
		norm(p+"norm3", D)
		for _, m := range []string{"video", "audio"} {
			s[p+m+".modulation"] = []int{1, 6, D}
			lin(p+m+".ffn.0", d.FFNDim, D)
			lin(p+m+".ffn.2", D, d.FFNDim)
		}
	}
	s["dit.head_video.modulation"] = []int{1, 2, D}
	lin("dit.head_video.head", cv*d.Patch[0]*d.Patch[1]*d.Patch[2], D)
	s["dit.head_audio.modulation"] = []int{1, 2, D}
	lin("dit.head_audio.head", ca, D)
	return s
}

// defaultConfig is SPEC.md's v1 config (text_pool on, as in PyTorch's
// default_config) with the scene grammar's vocabulary.
func defaultConfig(t testing.TB) *Config {
	t.Helper()
	vocab := append([]string{PadToken, BOSToken}, scene.Vocabulary()...)
	mean := func(n int) []float64 { return make([]float64, n) }
	std := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = 1
		}
		return s
	}
	c := &Config{
		Model: ModelName, Version: 1, FPS: 12, SampleRate: 16000, Vocabulary: vocab,
		Text: TextConfig{Dim: 128, Layers: 2, Heads: 2, FFNDim: 512, MaxTokens: 32, Eps: 1e-6},
		DiT: DiTConfig{Dim: 192, Heads: 3, Layers: 4, FFNDim: 768, FreqDim: 256, Patch: []int{1, 2, 2}, Eps: 1e-6,
			RoPETheta: 10000, AudioTimeStep: 0.12, NumTrainTimesteps: 1000, TextPool: true},
		VideoVAE: VideoVAEConfig{ZChannels: 16, TemporalFactor: 4, SpatialFactor: 8, Channels: []int{32, 64, 128},
			LatentMean: mean(16), LatentStd: std(16)},
		AudioVAE: AudioVAEConfig{ZChannels: 8, Hop: 640, LatentRate: 25, EncChannels: []int{32, 64, 128},
			EncStrides: []int{4, 5, 4}, DecChannels: []int{128, 96, 64, 32}, DecFactors: []int{4, 5, 4}, PhaseFactor: 8,
			LatentMean: mean(8), LatentStd: std(8)},
		Sampling: SamplingConfig{Steps: 24, Shift: 3, CFGVideo: 4, CFGAudio: 4, Frames: 25},
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

// randomCheckpoint writes a checkpoint of config c with fp16 weights drawn
// uniformly from ±1/fan-in (norm weights near 1), plus extra tensors; the
// same seed gives the same bytes.
func randomCheckpoint(t testing.TB, c *Config, seed uint64, extra ...weights.Named) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	var ts []weights.Named
	shapes := tensorShapes(c)
	for _, name := range slices.Sorted(maps.Keys(shapes)) { // a fixed order: one draw sequence per seed
		shape := shapes[name]
		n := 1
		for _, d := range shape {
			n *= d
		}
		fan := shape[len(shape)-1]
		if len(shape) == 5 {
			fan = shape[1] * shape[2] * shape[3] * shape[4]
		}
		data := make([]float32, n)
		for i := range data {
			data[i] = float32((rng.Float64()*2 - 1) / float64(fan))
			if strings.Contains(name, "norm") && strings.HasSuffix(name, "weight") {
				data[i] += 1
			}
		}
		ts = append(ts, weights.NamedF16(name, shape, data))
	}
	ts = append(ts, extra...)
	return tensortest.Checkpoint(t, ts, c, map[string]string{"format": Format})
}

// TestRandomCheckpointSeeded: the test checkpoint writer is a function of
// its seed (tensors drawn in name order, not map order).
func TestRandomCheckpointSeeded(t *testing.T) {
	_, m, _, _ := golden(t)
	if a, b := randomCheckpoint(t, m.Config, 7), randomCheckpoint(t, m.Config, 7); !bytes.Equal(a, b) {
		t.Error("two checkpoints of seed 7 differ")
	}
}

// TestGoldenTensorNames checks that each fixture's model tensors text.
// and dit. (PyTorch state_dict names) are exactly SPEC.md's, with its
// shapes.
func TestGoldenTensorNames(t *testing.T) {
	forEachGolden(t, func(t *testing.T, fx *fixture) {
		f, want := fx.Weights, tensorShapes(fx.m.Config)
		n := 0
		for _, name := range f.Names() {
			short, ok := strings.CutPrefix(name, fx.Prefix)
			if !ok || !(strings.HasPrefix(short, "text.") || strings.HasPrefix(short, "dit.")) {
				continue
			}
			n++
			info, _ := f.Info(name)
			if ws, ok := want[short]; !ok || !slices.Equal(ws, info.Shape) {
				t.Errorf("%s %v: spec says %v", short, info.Shape, ws)
			}
		}
		if n != len(want) {
			t.Errorf("%s has %d text./dit. tensors, spec lists %d", fx.WeightsName, n, len(want))
		}
	})
}

// stripped copies the golden checkpoint tensors without the "weights."
// prefix (a real checkpoint's names), leaving out the names in drop and
// replacing the shapes in reshape.
func stripped(t *testing.T, drop []string, reshape map[string][]int, extra ...weights.Named) []byte {
	t.Helper()
	return strippedConfig(t, nil, drop, reshape, extra...)
}

// strippedConfig is stripped with the golden config changed by edit (nil
// keeps it as it is).
func strippedConfig(t *testing.T, edit func(*Config), drop []string, reshape map[string][]int, extra ...weights.Named) []byte {
	t.Helper()
	f, _, _, _ := golden(t)
	var ts []weights.Named
	for _, name := range f.Names() {
		short, ok := strings.CutPrefix(name, goldenPrefix)
		if !ok || slices.Contains(drop, short) {
			continue
		}
		v, shape, err := f.Float32(name)
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := reshape[short]; ok {
			shape = s
			v = make([]float32, product(s))
		}
		ts = append(ts, weights.NamedF16(short, shape, v))
	}
	ts = append(ts, extra...)
	md := f.Metadata()
	if edit == nil {
		return tensortest.Checkpoint(t, ts, nil, map[string]string{"config": md["config"], "format": md["format"]})
	}
	c, err := ParseConfig([]byte(md["config"])) // a copy: m.Config is shared
	if err != nil {
		t.Fatal(err)
	}
	edit(c)
	return tensortest.Checkpoint(t, ts, c, map[string]string{"format": md["format"]})
}

func TestLoadCheckpoint(t *testing.T) {
	f, err := weights.Parse(stripped(t, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(cpu.New(1), f)
	if err != nil {
		t.Fatalf("load a checkpoint with VAE tensors: %v", err)
	}
	if len(m.DiT.Blocks) != 2 || len(m.Text.Layers) != 2 {
		t.Errorf("%d blocks, %d text layers", len(m.DiT.Blocks), len(m.Text.Layers))
	}
}

// TestLoadErrors: a broken checkpoint gives one error naming every problem.
func TestLoadErrors(t *testing.T) {
	data := stripped(t,
		[]string{"dit.blocks.1.cross_attn.k.weight", "text.layers.0.attn.q.bias", "dit.blocks.0.self_attn.norm_k.weight"},
		map[string][]int{"dit.head_audio.modulation": {1, 3, 64}, "dit.time_projection.1.weight": {64, 64}},
		weights.NamedF32("dit.extra.weight", []int{2}, []float32{1, 2}),
		weights.NamedF32("video_vae.extra", []int{1}, []float32{1}))
	err := loadFails(t, data,
		"1 missing (dit.blocks.1.cross_attn.k.weight)",
		"dit.head_audio.modulation: want [1 2 64] got [1 3 64]",
		"1 unused (dit.extra.weight)",
		"text.layers.0.attn.q.bias: missing",
		"dit.blocks.0.self_attn.norm_k.weight: missing",
		"dit.time_projection.1.weight: want [384 64] got [64 64]",
	)
	if strings.Contains(err.Error(), "video_vae") {
		t.Errorf("error names a VAE tensor: %v", err)
	}
	if strings.Count(err.Error(), "cross_attn.k.weight") != 1 {
		t.Errorf("missing tensor reported more than once: %v", err)
	}
}

// loadFails loads the checkpoint data, which must fail with an error
// containing every one of wants, and returns that error.
func loadFails(t *testing.T, data []byte, wants ...string) error {
	t.Helper()
	f, err := weights.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Load(cpu.New(1), f)
	if err == nil {
		t.Fatal("no error")
	}
	t.Log(err)
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q", w)
		}
	}
	return err
}

// TestLoadTextPool: with text_pool the model binds dit.text_pool and
// Forward uses it; a text_pool config without the tensors, with mis-shaped
// ones, or a config without text_pool whose checkpoint has them, fails
// to load with an error naming them.
func TestLoadTextPool(t *testing.T) {
	_, g, _, _ := golden(t)
	if !g.Config.DiT.TextPool || g.DiT.TextPool == nil || g.DiT.TextPool.Weight == nil || g.DiT.TextPool.Bias == nil {
		t.Fatalf("tiny fixture: text_pool %v, linear %+v; want a bound text_pool", g.Config.DiT.TextPool, g.DiT.TextPool)
	}
	noPool := func(c *Config) { c.DiT.TextPool = false }
	pool := []string{"dit.text_pool.weight", "dit.text_pool.bias"}

	// Without the key and without the tensors: a model without text_pool.
	f, err := weights.Parse(strippedConfig(t, noPool, pool, nil))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(cpu.New(1), f)
	if err != nil {
		t.Fatalf("load without text_pool: %v", err)
	}
	if m.DiT.TextPool != nil {
		t.Errorf("text_pool bound without the config key: %+v", m.DiT.TextPool)
	}
	ctx := m.DiT.b.NewContext()
	if p := m.DiT.Pool(ctx, ctx.Zeros(1, 3, m.DiT.Dim())); p != nil {
		t.Errorf("Pool without text_pool = %v, want nil", p.Shape())
	}

	for _, c := range []struct {
		name    string
		edit    func(*Config)
		drop    []string
		reshape map[string][]int
		wants   []string
	}{
		{"missing", nil, pool, nil,
			[]string{"1 missing (dit.text_pool.weight)", "dit.text_pool.bias: missing"}},
		{"mis-shaped", nil, nil, map[string][]int{"dit.text_pool.weight": {64, 32}, "dit.text_pool.bias": {32}},
			[]string{"dit.text_pool.weight: want [64 64] got [64 32]", "dit.text_pool.bias: want [64] got [32]"}},
		{"unexpected", noPool, nil, nil,
			[]string{"2 unused (dit.text_pool.bias, dit.text_pool.weight)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := loadFails(t, strippedConfig(t, c.edit, c.drop, c.reshape), c.wants...)
			for _, n := range pool {
				if strings.Count(err.Error(), n) > 1 {
					t.Errorf("%s reported more than once", n)
				}
			}
		})
	}
}

func TestLoadNoConfig(t *testing.T) {
	var buf bytes.Buffer
	if err := weights.Write(&buf, []weights.Named{weights.NamedF32("x", []int{1}, []float32{0})}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := weights.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(cpu.New(1), f); err == nil || !strings.Contains(err.Error(), `no "config"`) {
		t.Errorf("err = %v", err)
	}
}

// TestLoadDefaultConfig loads a random checkpoint of the default (larger)
// config with the same code and runs one forward at the default clip shape.
func TestLoadDefaultConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("default-size forward")
	}
	c := defaultConfig(t)
	f, err := weights.Parse(randomCheckpoint(t, c, 1))
	if err != nil {
		t.Fatal(err)
	}
	b := cpu.New(0)
	m, err := Load(b, f)
	if err != nil {
		t.Fatal(err)
	}
	ctx := b.NewContext()
	ids, err := m.Tokenizer.Encode("two small red balls bounce on a grey floor")
	if err != nil {
		t.Fatal(err)
	}
	tc := m.Text.Forward(ctx, ids)
	zv, za := ctx.Zeros(1, 16, 7, 8, 8), ctx.Zeros(1, 8, 53)
	vv, va, err := m.DiT.Forward(ctx, zv, za, tc, []float64{0.5}, []float64{0.5})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(vv.Shape(), []int{1, 16, 7, 8, 8}) || !slices.Equal(va.Shape(), []int{1, 8, 53}) {
		t.Errorf("shapes %v %v", vv.Shape(), va.Shape())
	}
	if r, _ := m.DiT.RoPE(7, 4, 4, 53); r.Cos.Shape()[0] != 112+53 {
		t.Errorf("RoPE table %v, want 165 tokens", r.Cos.Shape())
	}
}
