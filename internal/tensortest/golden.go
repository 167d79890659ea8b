package tensortest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/lockstep-av/lockstep/weights"
)

// DemoFixture names one golden fixture of the demo model, written by
// train/golden_demo.py: float64 PyTorch references (stored as F32) of
// every module at a tiny shape and of one guided sampling run, with the
// run's settings as JSON in the metadata key "golden".
type DemoFixture struct {
	// Name is the subtest name: "tiny" or "checkpoint".
	Name string
	// Path is the fixture file, relative to the module root.
	Path string
	// Checkpoint is the checkpoint file whose weights the references were
	// computed with, relative to the module root; "" when the weights are
	// inside the fixture.
	Checkpoint string
	// Prefix is put before the checkpoint's tensor names in the weights
	// file ("weights." inside a fixture, "" in a checkpoint).
	Prefix string
}

// The demo fixtures, relative to the module root.
const (
	// TinyFixturePath is written by train/golden_demo.py --tiny-random: a
	// tiny random model whose fp16 weights are in the fixture under
	// "weights.".
	TinyFixturePath = "model/demo/testdata/golden_tiny.safetensors"
	// DemoCheckpointPath is the trained demo checkpoint (make train-demo).
	DemoCheckpointPath = "model/demo/checkpoint/lockstep-demo.safetensors"
	// CheckpointFixturePath is written by train/golden_demo.py
	// --checkpoint DemoCheckpointPath (make train-demo): references only,
	// the weights are the checkpoint's.
	CheckpointFixturePath = "model/demo/testdata/golden_checkpoint.safetensors"
)

var (
	// TinyFixture is the tiny random model's fixture, weights inside.
	TinyFixture = DemoFixture{Name: "tiny", Path: TinyFixturePath, Prefix: "weights."}
	// CheckpointFixture is the trained checkpoint's fixture.
	CheckpointFixture = DemoFixture{Name: "checkpoint", Path: CheckpointFixturePath, Checkpoint: DemoCheckpointPath}
	// DemoFixtures lists the fixtures every golden test of the demo model
	// runs on: the tiny random model and the trained checkpoint.
	DemoFixtures = []DemoFixture{TinyFixture, CheckpointFixture}
)

// Golden is an opened demo fixture. Its files stay open for the life of
// the test binary (models bound from them alias their bytes).
type Golden struct {
	DemoFixture
	// Refs holds the reference tensors and the "golden" metadata.
	Refs *weights.File
	// Weights holds the model's tensors (names under Prefix) and its
	// config; it is Refs for a fixture with the weights inside.
	Weights *weights.File
	// WeightsName is the base name of the file Weights was read from.
	WeightsName string
	// Hash is "sha256:" + the hex SHA-256 of the checkpoint file, or ""
	// for a fixture with the weights inside.
	Hash string
	// Info is the raw "golden" metadata JSON.
	Info []byte
}

// DecodeInfo unmarshals the fixture's "golden" metadata into v; an error
// is fatal.
func (g *Golden) DecodeInfo(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(g.Info, v); err != nil {
		t.Fatalf("%s: golden metadata: %v", g.Path, err)
	}
}

// checkpointInfo is the part of a checkpoint fixture's "golden" metadata
// that ties it to its checkpoint.
type checkpointInfo struct {
	SHA256     string `json:"checkpoint_sha256"`
	Checkpoint string `json:"checkpoint"`
}

// opened is the cached outcome of opening one fixture.
type opened struct {
	once sync.Once
	g    *Golden
	skip string // non-empty: a file is missing
	err  error  // unreadable or stale
}

var fixtures sync.Map // fixture name → *opened

// OpenDemoFixture opens fx (once per test binary). A missing checkpoint
// or checkpoint fixture skips the test with a message naming the file and
// `make train-demo`; a fixture whose recorded checkpoint_sha256 differs
// from the checkpoint file's is stale and fails the test, as does any
// unreadable file. A missing tiny fixture (committed) fails too.
func OpenDemoFixture(t testing.TB, fx DemoFixture) *Golden {
	t.Helper()
	v, _ := fixtures.LoadOrStore(fx.Name, &opened{})
	o := v.(*opened)
	o.once.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			o.err = err
			return
		}
		o.g, o.skip, o.err = openFixture(root, fx)
	})
	if o.skip != "" {
		t.Skip(o.skip)
	}
	if o.err != nil {
		t.Fatalf("golden fixture %s: %v", fx.Name, o.err)
	}
	return o.g
}

// ForEachDemoFixture runs test as a subtest per entry of DemoFixtures,
// named after it, with the opened fixture (see OpenDemoFixture).
func ForEachDemoFixture(t *testing.T, test func(t *testing.T, g *Golden)) {
	t.Helper()
	for _, fx := range DemoFixtures {
		t.Run(fx.Name, func(t *testing.T) { test(t, OpenDemoFixture(t, fx)) })
	}
}

// openFixture opens fx's files under root; it returns a skip message when
// the checkpoint or its fixture is absent.
func openFixture(root string, fx DemoFixture) (*Golden, string, error) {
	path := filepath.Join(root, fx.Path)
	if fx.Checkpoint != "" {
		for _, p := range []string{fx.Checkpoint, fx.Path} {
			if _, err := os.Stat(filepath.Join(root, p)); errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Sprintf("%s fixture: %s is missing; `make train-demo` trains the checkpoint and writes its fixture (train/golden_demo.py --checkpoint %s %s)",
					fx.Name, p, fx.Checkpoint, fx.Path), nil
			}
		}
	}
	refs, err := weights.Open(path)
	if err != nil {
		return nil, "", err
	}
	info := []byte(refs.Metadata()["golden"])
	if len(info) == 0 {
		return nil, "", fmt.Errorf("%s has no \"golden\" metadata", fx.Path)
	}
	g := &Golden{DemoFixture: fx, Refs: refs, Weights: refs, WeightsName: filepath.Base(path), Info: info}
	if fx.Checkpoint == "" {
		return g, "", nil
	}
	ckpt := filepath.Join(root, fx.Checkpoint)
	sum, err := fileSHA256(ckpt)
	if err != nil {
		return nil, "", err
	}
	var ci checkpointInfo
	if err := json.Unmarshal(info, &ci); err != nil {
		return nil, "", fmt.Errorf("%s: golden metadata: %w", fx.Path, err)
	}
	if ci.SHA256 != sum {
		return nil, "", fmt.Errorf("fixture stale: %s was made from checkpoint %q of sha256 %q, but %s has sha256 %s; "+
			"rerun /usr/bin/python3 train/golden_demo.py --checkpoint %s %s",
			fx.Path, ci.Checkpoint, ci.SHA256, fx.Checkpoint, sum, fx.Checkpoint, fx.Path)
	}
	if g.Weights, err = weights.Open(ckpt); err != nil {
		return nil, "", err
	}
	g.WeightsName, g.Hash = filepath.Base(ckpt), "sha256:"+sum
	return g, "", nil
}

// fileSHA256 returns the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// moduleRoot is the nearest directory at or above the working directory
// (a test's package directory) that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = up
	}
}
