package demo

import (
	"encoding/json"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
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

// input returns the named fixture tensor as a persistent backend tensor.
func input(t testing.TB, f *weights.File, b backend.Backend, name string) backend.Tensor {
	t.Helper()
	x, err := f.Tensor(b, name)
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return x
}

// values returns the named fixture tensor's values and shape.
func values(t testing.TB, f *weights.File, name string) ([]float32, []int) {
	t.Helper()
	v, s, err := f.Float32(name)
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return v, s
}

// moduleTol is issue 4's bound for every module in float32:
// |got - want| <= 1e-4 + 1e-4·|want|.
const moduleTol = 1e-4

// errStats are the largest absolute and relative errors of a comparison.
type errStats struct {
	MaxAbs, MaxRel float64
	AbsAt, RelAt   int
	Bad, BadAt     int // elements over the bound, first such index
}

// compare measures got against want; rel is |d|/max(|want|, 1e-6).
func compare(got, want []float32, tol float64) errStats {
	s := errStats{AbsAt: -1, RelAt: -1, BadAt: -1}
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		d := math.Abs(g - w)
		if math.IsNaN(d) {
			d = math.Inf(1)
		}
		r := d / math.Max(math.Abs(w), 1e-6)
		if d > s.MaxAbs || s.AbsAt < 0 {
			s.MaxAbs, s.AbsAt = d, i
		}
		if r > s.MaxRel || s.RelAt < 0 {
			s.MaxRel, s.RelAt = r, i
		}
		if d > tol+tol*math.Abs(w) {
			if s.Bad == 0 {
				s.BadAt = i
			}
			s.Bad++
		}
	}
	return s
}

// check compares the backend tensor got against the golden tensor want,
// logs the maximum errors and fails beyond moduleTol.
func check(t testing.TB, what string, b backend.Backend, got backend.Tensor, f *weights.File, want string) errStats {
	t.Helper()
	w, ws := values(t, f, want)
	return checkValues(t, what, got.Shape(), b.Float32(got), ws, w)
}

// checkValues is check on host slices.
func checkValues(t testing.TB, what string, gotShape []int, got []float32, wantShape []int, want []float32) errStats {
	t.Helper()
	if !slices.Equal(gotShape, wantShape) {
		t.Fatalf("%s: shape %v, want %v", what, gotShape, wantShape)
	}
	s := compare(got, want, moduleTol)
	t.Logf("%-22s max abs err %.3g (at %d: got %.6g want %.6g), max rel err %.3g (at %d)",
		what, s.MaxAbs, s.AbsAt, got[s.AbsAt], want[s.AbsAt], s.MaxRel, s.RelAt)
	if s.Bad > 0 {
		t.Errorf("%s: %d of %d values beyond %g abs + %g rel; first at %d: got %.7g want %.7g",
			what, s.Bad, len(want), moduleTol, moduleTol, s.BadAt, got[s.BadAt], want[s.BadAt])
	}
	return s
}

// ids converts the fixture's float token ids.
func ids(t testing.TB, f *weights.File, name string) []int {
	t.Helper()
	v, _ := values(t, f, name)
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}
