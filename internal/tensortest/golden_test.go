package tensortest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lockstep-av/lockstep/weights"
)

// TestOpenFixture covers the checkpoint fixture's outcomes in a scratch
// module root: each file missing (skip naming it and make train-demo),
// stale (error naming the rerun), matching, and a tiny fixture.
func TestOpenFixture(t *testing.T) {
	ckpt := Checkpoint(t, []weights.Named{weights.NamedF16("dit.w", []int{2}, []float32{1, 2})}, struct{}{}, nil)
	sum := sha256.Sum256(ckpt)
	fixture := func(sha string) []byte {
		info, _ := json.Marshal(map[string]any{"caption": "a ball", "checkpoint_sha256": sha, "checkpoint": "c.safetensors"})
		return Checkpoint(t, []weights.Named{weights.NamedF32("dit.vv", []int{1}, []float32{3})}, nil,
			map[string]string{"golden": string(info)})
	}
	fx := DemoFixture{Name: "checkpoint", Path: "golden.safetensors", Checkpoint: "c/c.safetensors"}
	for _, c := range []struct {
		name           string
		ckpt, fixture  []byte
		skip, err      []string // substrings, all required
		wantWeightsDir bool
	}{
		{name: "no checkpoint", fixture: fixture(hex.EncodeToString(sum[:])),
			skip: []string{"c/c.safetensors is missing", "make train-demo"}},
		{name: "no fixture", ckpt: ckpt, skip: []string{"golden.safetensors is missing", "make train-demo"}},
		{name: "stale", ckpt: ckpt, fixture: fixture("abc"),
			err: []string{"fixture stale", "abc", hex.EncodeToString(sum[:]), "train/golden_demo.py --checkpoint c/c.safetensors golden.safetensors"}},
		{name: "matching", ckpt: ckpt, fixture: fixture(hex.EncodeToString(sum[:])), wantWeightsDir: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			if c.ckpt != nil {
				write(t, filepath.Join(root, fx.Checkpoint), c.ckpt)
			}
			if c.fixture != nil {
				write(t, filepath.Join(root, fx.Path), c.fixture)
			}
			g, skip, err := openFixture(root, fx)
			switch {
			case c.skip != nil:
				for _, s := range c.skip {
					if !strings.Contains(skip, s) {
						t.Errorf("skip message %q lacks %q", skip, s)
					}
				}
				if err != nil || g != nil {
					t.Errorf("got %v, %v with the skip", g, err)
				}
			case c.err != nil:
				for _, s := range c.err {
					if err == nil || !strings.Contains(err.Error(), s) {
						t.Errorf("error %v lacks %q", err, s)
					}
				}
			default:
				if err != nil || skip != "" {
					t.Fatalf("error %v, skip %q", err, skip)
				}
				if g.Weights == g.Refs || g.Hash != "sha256:"+hex.EncodeToString(sum[:]) || g.WeightsName != "c.safetensors" {
					t.Errorf("weights %p refs %p hash %q name %q", g.Weights, g.Refs, g.Hash, g.WeightsName)
				}
				if _, ok := g.Weights.Info("dit.w"); !ok {
					t.Error("weights file lacks dit.w")
				}
				var info struct{ Caption string }
				g.DecodeInfo(t, &info)
				if info.Caption != "a ball" {
					t.Errorf("caption %q", info.Caption)
				}
			}
		})
	}
	t.Run("tiny", func(t *testing.T) {
		root := t.TempDir()
		write(t, filepath.Join(root, "tiny.safetensors"), fixture(""))
		g, skip, err := openFixture(root, DemoFixture{Name: "tiny", Path: "tiny.safetensors", Prefix: "weights."})
		if err != nil || skip != "" || g.Weights != g.Refs || g.Hash != "" {
			t.Fatalf("%+v, %q, %v", g, skip, err)
		}
	})
	t.Run("tiny missing", func(t *testing.T) {
		if _, skip, err := openFixture(t.TempDir(), DemoFixture{Name: "tiny", Path: "tiny.safetensors"}); err == nil || skip != "" {
			t.Fatalf("skip %q, error %v", skip, err)
		}
	})
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPSNR(t *testing.T) {
	for _, c := range []struct {
		got, want []float32
		peak, db  float64
	}{
		{[]float32{1, 2}, []float32{1, 2}, 1, math.Inf(1)},
		{[]float32{0.1, -0.1}, []float32{0, 0}, 1, 20},                        // MSE 0.01
		{[]float32{1, 0, 0, 0}, []float32{0, 0, 0, 0}, 2, 12.041199826559248}, // 10·log10(4/0.25)
	} {
		if got := PSNR(c.got, c.want, c.peak); math.Abs(got-c.db) > 1e-6 && got != c.db {
			t.Errorf("PSNR(%v, %v, %g) = %g, want %g", c.got, c.want, c.peak, got, c.db)
		}
	}
}
