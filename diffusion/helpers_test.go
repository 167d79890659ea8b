package diffusion

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/internal/tensortest"
	"github.com/lockstep-av/lockstep/model/demo"
	"github.com/lockstep-av/lockstep/scene"
	"github.com/lockstep-av/lockstep/weights"
)

// goldenInfo is the fixture's "golden" metadata.
type goldenInfo struct {
	Caption  string  `json:"caption"`
	Frames   int     `json:"frames"`
	Height   int     `json:"height"`
	Width    int     `json:"width"`
	Steps    int     `json:"steps"`
	Shift    float64 `json:"shift"`
	CFGVideo float64 `json:"cfg_video"`
	CFGAudio float64 `json:"cfg_audio"`
}

// goldenFixture opens the demo fixture d (tensortest.OpenDemoFixture: a
// missing checkpoint or fixture skips, a stale one fails) and binds a
// pipeline of its weights on threads CPU threads; it returns the
// reference file, the pipeline and the metadata.
func goldenFixture(t testing.TB, d tensortest.DemoFixture, threads int) (*weights.File, *Pipeline, goldenInfo) {
	t.Helper()
	g := tensortest.OpenDemoFixture(t, d)
	var info goldenInfo
	g.DecodeInfo(t, &info)
	hash := g.Hash
	if hash == "" {
		hash = "sha256:test"
	}
	p, err := New(cpu.New(threads), g.Weights, g.Prefix, g.WeightsName, hash)
	if err != nil {
		t.Fatalf("bind %s: %v", g.WeightsName, err)
	}
	return g.Refs, p, info
}

// forEachGolden runs test on every demo fixture (tiny, checkpoint) as
// subtests.
func forEachGolden(t *testing.T, test func(t *testing.T, d tensortest.DemoFixture)) {
	t.Helper()
	for _, d := range tensortest.DemoFixtures {
		t.Run(d.Name, func(t *testing.T) { test(t, d) })
	}
}

// golden is goldenFixture of the tiny fixture (train/golden_demo.py
// --tiny-random: fp16 weights under "weights."), the small model of the
// tests that are not golden comparisons.
func golden(t testing.TB, threads int) (*weights.File, *Pipeline, goldenInfo) {
	t.Helper()
	return goldenFixture(t, tensortest.TinyFixture, threads)
}

// goldenOptions are the fixture's sampling settings.
func goldenOptions(p *Pipeline, info goldenInfo) Options {
	o := p.DefaultOptions()
	o.Prompt, o.Frames, o.Width, o.Height = info.Caption, info.Frames, info.Width, info.Height
	o.Steps, o.Shift, o.CFGVideo, o.CFGAudio = info.Steps, info.Shift, info.CFGVideo, info.CFGAudio
	return o
}

// checkpointShapes lists every tensor of a demo checkpoint of config c
// (text., dit., video_vae., audio_vae.), written from SPEC.md's tables.
// TestCheckpointShapes checks it against the golden fixture's tensors.
func checkpointShapes(c *demo.Config) map[string][]int {
	s := map[string][]int{}
	lin := func(n string, out, in int) { s[n+".weight"], s[n+".bias"] = []int{out, in}, []int{out} }
	ln := func(n string, d int) { s[n+".weight"], s[n+".bias"] = []int{d}, []int{d} }
	attn := func(n string, d, dkv int, qk bool) {
		lin(n+".q", d, d)
		lin(n+".k", d, dkv)
		lin(n+".v", d, dkv)
		lin(n+".o", d, d)
		if qk {
			s[n+".norm_q.weight"], s[n+".norm_k.weight"] = []int{d}, []int{d}
		}
	}
	tx := c.Text
	s["text.token_embedding.weight"] = []int{len(c.Vocabulary), tx.Dim}
	s["text.position_embedding"] = []int{tx.MaxTokens, tx.Dim}
	for i := range tx.Layers {
		p := fmt.Sprintf("text.layers.%d.", i)
		ln(p+"norm1", tx.Dim)
		attn(p+"attn", tx.Dim, tx.Dim, false)
		ln(p+"norm2", tx.Dim)
		lin(p+"ffn.0", tx.FFNDim, tx.Dim)
		lin(p+"ffn.2", tx.Dim, tx.FFNDim)
	}
	ln("text.norm", tx.Dim)
	d := c.DiT
	D, zv, za := d.Dim, c.VideoVAE.ZChannels, c.AudioVAE.ZChannels
	s["dit.patch_embedding.weight"] = []int{D, zv, d.Patch[0], d.Patch[1], d.Patch[2]}
	s["dit.patch_embedding.bias"] = []int{D}
	lin("dit.audio_embedding", D, za)
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
		ln(p+"norm3", D)
		for _, m := range []string{"video", "audio"} {
			s[p+m+".modulation"] = []int{1, 6, D}
			lin(p+m+".ffn.0", d.FFNDim, D)
			lin(p+m+".ffn.2", D, d.FFNDim)
		}
	}
	s["dit.head_video.modulation"] = []int{1, 2, D}
	lin("dit.head_video.head", zv*d.Patch[0]*d.Patch[1]*d.Patch[2], D)
	s["dit.head_audio.modulation"] = []int{1, 2, D}
	lin("dit.head_audio.head", za, D)

	conv := func(n string, out, in int, k ...int) {
		s[n+".weight"], s[n+".bias"] = append([]int{out, in}, k...), []int{out}
	}
	res3 := func(n string, ch int) {
		s[n+".norm1.gamma"], s[n+".norm2.gamma"] = []int{ch}, []int{ch}
		conv(n+".conv1", ch, ch, 3, 3, 3)
		conv(n+".conv2", ch, ch, 3, 3, 3)
	}
	res1 := func(n string, ch int) {
		s[n+".snake1.alpha"], s[n+".snake2.alpha"] = []int{ch}, []int{ch}
		conv(n+".conv1", ch, ch, 7)
		conv(n+".conv2", ch, ch, 1)
	}
	vc := c.VideoVAE.Channels // from the pixel end
	v := "video_vae.decoder."
	conv(v+"conv_in", vc[2], zv, 3, 3, 3)
	res3(v+"mid", vc[2])
	conv(v+"up.0.conv", vc[1]*8, vc[2], 3, 3, 3)
	res3(v+"up.0.res", vc[1])
	conv(v+"up.1.conv", vc[0]*8, vc[1], 3, 3, 3)
	res3(v+"up.1.res", vc[0])
	s[v+"norm_out.gamma"] = []int{vc[0]}
	conv(v+"conv_out", 12, vc[0], 3, 3, 3)
	v = "video_vae.encoder."
	conv(v+"conv_in", vc[0], 12, 3, 3, 3)
	res3(v+"down.0.res", vc[0])
	conv(v+"down.0.conv", vc[1], vc[0], 3, 3, 3)
	res3(v+"down.1.res", vc[1])
	conv(v+"down.1.conv", vc[2], vc[1], 3, 3, 3)
	res3(v+"mid", vc[2])
	s[v+"norm_out.gamma"] = []int{vc[2]}
	conv(v+"conv_out", 2*zv, vc[2], 3, 3, 3)

	ac := c.AudioVAE
	dc, ph := ac.DecChannels, ac.PhaseFactor
	a := "audio_vae.decoder."
	conv(a+"conv_in", dc[0], za, 3)
	res1(a+"mid", dc[0])
	for j, f := range ac.DecFactors {
		p := fmt.Sprintf("%sup.%d.", a, j)
		s[p+"snake.alpha"] = []int{dc[j]}
		conv(p+"conv", dc[j+1]*f, dc[j], 3)
		res1(p+"res", dc[j+1])
	}
	s[a+"snake_out.alpha"] = []int{dc[len(dc)-1]}
	conv(a+"conv_out", ph, dc[len(dc)-1], 7)
	ec := append(append([]int(nil), ac.EncChannels...), ac.EncChannels[len(ac.EncChannels)-1])
	a = "audio_vae.encoder."
	conv(a+"conv_in", ec[0], ph, 7)
	for j, st := range ac.EncStrides {
		p := fmt.Sprintf("%sdown.%d.", a, j)
		res1(p+"res", ec[j])
		s[p+"snake.alpha"] = []int{ec[j]}
		conv(p+"conv", ec[j+1], ec[j], 2*st)
	}
	last := ec[len(ec)-1]
	res1(a+"mid", last)
	s[a+"snake_out.alpha"] = []int{last}
	conv(a+"conv_out", 2*za, last, 3)
	return s
}

// defaultConfig is SPEC.md's v1 config with the scene grammar's vocabulary
// and unit latent statistics.
func defaultConfig(t testing.TB) *demo.Config {
	t.Helper()
	vocab := append([]string{demo.PadToken, demo.BOSToken}, scene.Vocabulary()...)
	fill := func(n int, v float64) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = v
		}
		return s
	}
	c := &demo.Config{
		Model: demo.ModelName, Version: 1, FPS: 12, SampleRate: 16000, Vocabulary: vocab,
		Text: demo.TextConfig{Dim: 128, Layers: 2, Heads: 2, FFNDim: 512, MaxTokens: 32, Eps: 1e-6},
		DiT: demo.DiTConfig{Dim: 192, Heads: 3, Layers: 4, FFNDim: 768, FreqDim: 256, Patch: []int{1, 2, 2}, Eps: 1e-6,
			RoPETheta: 10000, AudioTimeStep: 0.12, NumTrainTimesteps: 1000},
		VideoVAE: demo.VideoVAEConfig{ZChannels: 16, TemporalFactor: 4, SpatialFactor: 8, Channels: []int{32, 64, 128},
			LatentMean: fill(16, 0), LatentStd: fill(16, 1)},
		AudioVAE: demo.AudioVAEConfig{ZChannels: 8, Hop: 640, LatentRate: 25, EncChannels: []int{32, 64, 128},
			EncStrides: []int{4, 5, 4}, DecChannels: []int{128, 96, 64, 32}, DecFactors: []int{4, 5, 4}, PhaseFactor: 8,
			LatentMean: fill(8, 0), LatentStd: fill(8, 1)},
		Sampling: demo.SamplingConfig{Steps: 24, Shift: 3, CFGVideo: 4, CFGAudio: 4, Frames: 25},
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

// randomCheckpoint writes a demo checkpoint of config c with seeded random
// fp16 weights: linears and convolutions uniform in ±1/√fan-in, biases
// small, norm, gamma and snake scales near 1; override sets the first
// value of the named tensors (NaN injection).
func randomCheckpoint(t testing.TB, c *demo.Config, seed uint64, override map[string]float32) []byte {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 3))
	shapes := checkpointShapes(c)
	names := make([]string, 0, len(shapes))
	for n := range shapes {
		names = append(names, n)
	}
	slices.Sort(names)
	var ts []weights.Named
	for _, name := range names {
		shape := shapes[name]
		n := 1
		for _, d := range shape {
			n *= d
		}
		fan := n / shape[0]
		data := make([]float32, n)
		switch {
		case strings.HasSuffix(name, ".gamma") || strings.HasSuffix(name, ".alpha") ||
			strings.Contains(name, "norm") && strings.HasSuffix(name, ".weight"):
			for i := range data {
				data[i] = float32(1 + 0.2*r.Float64())
			}
		case len(shape) == 1 || strings.HasSuffix(name, "modulation"):
			for i := range data {
				data[i] = float32(0.02 * (2*r.Float64() - 1))
			}
		default:
			if name == "text.position_embedding" || name == "text.token_embedding.weight" {
				fan = 1
			}
			sc := 1 / math.Sqrt(float64(fan))
			for i := range data {
				data[i] = float32(sc * (2*r.Float64() - 1))
			}
		}
		if v, ok := override[name]; ok {
			data[0] = v
		}
		ts = append(ts, weights.NamedF16(name, shape, data))
	}
	return tensortest.Checkpoint(t, ts, c, map[string]string{"format": demo.Format})
}

var (
	defaultOnce sync.Once
	defaultData []byte
)

// defaultCheckpoint returns a random-weight checkpoint of the default
// config (made once per test binary).
func defaultCheckpoint(t testing.TB) []byte {
	defaultOnce.Do(func() { defaultData = randomCheckpoint(t, defaultConfig(t), 1, nil) })
	return defaultData
}
