package demo

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/internal/tensortest"
	"github.com/lockstep-av/lockstep/weights"
)

// goldenPrefix is the name prefix of the tiny fixture's fp16 weights
// (train/golden_demo.py --tiny-random).
const goldenPrefix = "weights."

// goldenInfo is the fixture's "golden" metadata.
type goldenInfo struct {
	Caption        string  `json:"caption"`
	Seed           int     `json:"seed"`
	Frames         int     `json:"frames"`
	Height         int     `json:"height"`
	Width          int     `json:"width"`
	Steps          int     `json:"steps"`
	Shift          float64 `json:"shift"`
	CFGVideo       float64 `json:"cfg_video"`
	CFGAudio       float64 `json:"cfg_audio"`
	DiTSigmaV      float64 `json:"dit_sigma_v"`
	DiTSigmaA      float64 `json:"dit_sigma_a"`
	DiTAudioTokens int     `json:"dit_audio_tokens"`
}

// fixture is an opened golden fixture (tensortest.DemoFixtures) with its
// model loaded on a CPU backend.
type fixture struct {
	*tensortest.Golden
	m    *Model
	info goldenInfo
}

// parts returns the reference file, the model, the metadata and a fresh
// context.
func (fx *fixture) parts() (*weights.File, *Model, goldenInfo, backend.Context) {
	return fx.Refs, fx.m, fx.info, fx.m.DiT.b.NewContext()
}

// loaded caches one fixture's model per test binary.
type loaded struct {
	once sync.Once
	fx   *fixture
	err  error
}

var fixtures sync.Map // fixture name → *loaded

// openFixture opens d (skipping when the checkpoint or its fixture is
// absent, failing when stale) and loads its model once.
func openFixture(t testing.TB, d tensortest.DemoFixture) *fixture {
	t.Helper()
	g := tensortest.OpenDemoFixture(t, d)
	v, _ := fixtures.LoadOrStore(d.Name, &loaded{})
	l := v.(*loaded)
	l.once.Do(func() {
		fx := &fixture{Golden: g}
		if l.err = json.Unmarshal(g.Info, &fx.info); l.err != nil {
			return
		}
		if fx.m, l.err = LoadPrefix(cpu.New(0), g.Weights, g.Prefix); l.err != nil {
			l.err = fmt.Errorf("load %s: %w", g.WeightsName, l.err)
			return
		}
		l.fx = fx
	})
	if l.err != nil {
		t.Fatalf("golden fixture %s: %v", d.Name, l.err)
	}
	return l.fx
}

// forEachGolden runs test on every demo fixture (tiny, checkpoint) as
// subtests.
func forEachGolden(t *testing.T, test func(t *testing.T, fx *fixture)) {
	t.Helper()
	for _, d := range tensortest.DemoFixtures {
		t.Run(d.Name, func(t *testing.T) { test(t, openFixture(t, d)) })
	}
}

// golden returns the tiny fixture (weights inside, under goldenPrefix),
// its model, metadata and a fresh context: the small model of the tests
// that are not golden comparisons.
func golden(t testing.TB) (*weights.File, *Model, goldenInfo, backend.Context) {
	t.Helper()
	return openFixture(t, tensortest.TinyFixture).parts()
}

// moduleTol is issue 4's bound for every module in float32:
// |got - want| <= 1e-4 + 1e-4·|want|.
const moduleTol = 1e-4

// check compares the backend tensor got against the golden tensor want,
// logs the maximum errors and fails beyond moduleTol.
func check(t testing.TB, what string, b backend.Backend, got backend.Tensor, f *weights.File, want string) tensortest.Stats {
	t.Helper()
	return tensortest.CheckGolden(t, f, b, what, got, want, moduleTol, moduleTol)
}

// checkValues is check on host slices.
func checkValues(t testing.TB, what string, gotShape []int, got []float32, wantShape []int, want []float32) tensortest.Stats {
	t.Helper()
	return tensortest.CompareShaped(t, what, gotShape, got, wantShape, want, moduleTol, moduleTol)
}

// ids converts the fixture's float token ids.
func ids(t testing.TB, f *weights.File, name string) []int {
	t.Helper()
	v, _ := tensortest.Values(t, f, name)
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}
