package demo

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/internal/tensortest"
	"github.com/lockstep-av/lockstep/weights"
)

// goldenPath is written by train/golden_demo.py --tiny-random: float64
// PyTorch references (stored as F32) with the tiny model's fp16 weights
// under the prefix "weights.".
const goldenPath = "testdata/golden_tiny.safetensors"

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

var (
	goldenOnce  sync.Once
	goldenFile  *weights.File
	goldenModel *Model
	goldenMeta  goldenInfo
	goldenErr   error
)

// golden opens the fixture, loads the tiny model on a CPU backend and
// returns them with a fresh context.
func golden(t testing.TB) (*weights.File, *Model, goldenInfo, backend.Context) {
	t.Helper()
	goldenOnce.Do(func() {
		goldenFile, goldenErr = weights.Open(goldenPath)
		if goldenErr != nil {
			return
		}
		if goldenErr = json.Unmarshal([]byte(goldenFile.Metadata()["golden"]), &goldenMeta); goldenErr != nil {
			return
		}
		goldenModel, goldenErr = LoadPrefix(cpu.New(0), goldenFile, goldenPrefix)
	})
	if goldenErr != nil {
		t.Fatalf("golden fixture: %v", goldenErr)
	}
	return goldenFile, goldenModel, goldenMeta, goldenModel.DiT.b.NewContext()
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
