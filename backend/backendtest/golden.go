package backendtest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/weights"
)

// goldenCase is one entry of the fixture file's "cases" metadata.
type goldenCase struct {
	Name   string          `json:"name"`
	Op     string          `json:"op"`
	Params json.RawMessage `json:"params"`
	TolAbs float64         `json:"tol_abs"`
	TolRel float64         `json:"tol_rel"`
}

// fixturePath locates testdata/ops.safetensors next to this source file, so
// the suite finds it from any backend's test directory.
func fixturePath() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("locate fixtures: runtime.Caller failed")
	}
	return filepath.Join(filepath.Dir(file), "testdata", "ops.safetensors"), nil
}

// openFixtures opens the fixture file and decodes its case list.
func openFixtures() (*weights.File, []goldenCase, error) {
	path, err := fixturePath()
	if err != nil {
		return nil, nil, err
	}
	f, err := weights.Open(path)
	if err != nil {
		return nil, nil, err
	}
	var cases []goldenCase
	if err := json.Unmarshal([]byte(f.Metadata()["cases"]), &cases); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: decode cases: %w", path, err)
	}
	return f, cases, nil
}

// runGolden runs every fixture case on b.
func runGolden(t *testing.T, b backend.Backend) {
	f, cases, err := openFixtures()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	t.Logf("%s (%s): fast paths %v", b.Name(), b.Device(), fastPaths(b.NewContext()))
	if len(cases) == 0 {
		t.Fatal("fixture file has no cases")
	}
	seen := map[string]bool{}
	for _, gc := range cases {
		op, ok := goldenOps[gc.Op]
		if !ok {
			t.Errorf("case %s: unknown op %q", gc.Name, gc.Op)
			continue
		}
		seen[gc.Op] = true
		t.Run(gc.Name, func(t *testing.T) {
			if !op.layer {
				runCase(t, b, b.NewContext(), f, gc, op)
				return
			}
			t.Run("fast", func(t *testing.T) { runCase(t, b, b.NewContext(), f, gc, op) })
			t.Run("composed", func(t *testing.T) {
				runCase(t, b, backend.WithoutFastPaths(b.NewContext()), f, gc, op)
			})
		})
	}
	for name := range goldenOps {
		if !seen[name] {
			t.Errorf("op %s has no golden case in the fixture file", name)
		}
	}
}

// runCase runs one case on ctx and compares the result with "<case>/out".
func runCase(t *testing.T, b backend.Backend, ctx backend.Context, f *weights.File, gc goldenCase, op goldenOp) {
	t.Helper()
	defer ctx.Reset()
	e := &env{t: t, b: b, ctx: ctx, f: f, c: gc, inputs: map[string]backend.Tensor{}}
	var out backend.Tensor
	err := func() (err error) {
		defer backend.Recover(&err, gc.Op)
		out = op.run(e)
		return nil
	}()
	if err != nil {
		t.Fatalf("%s: %v", gc.Name, err)
	}
	want, wantShape, err := f.Float32(gc.Name + "/out")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.Shape(), wantShape) {
		t.Fatalf("%s: shape %v, want %v", gc.Name, out.Shape(), wantShape)
	}
	wantDT := backend.F32
	if op.dtype != nil {
		wantDT = op.dtype(e)
	}
	if out.DType() != wantDT {
		t.Errorf("%s: dtype %v, want %v", gc.Name, out.DType(), wantDT)
	}
	got := b.Float32(out)
	s := compare(got, want, gc.TolAbs, gc.TolRel)
	if s.bad > 0 {
		t.Errorf("%s (%s): %s", gc.Name, gc.Op, s.describe(got, want, wantShape, gc.TolAbs, gc.TolRel))
	} else {
		t.Logf("%s: max abs err %.3g, max rel err %.3g, worst err/limit %.3g (tol %g abs + %g rel)",
			gc.Name, s.maxAbs, s.maxRel, s.worstRatio, gc.TolAbs, gc.TolRel)
	}
	// Inputs must come out unchanged.
	for name, in := range e.inputs {
		orig, _, err := f.Float32(gc.Name + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if i := firstBitDiff(b.Float32(in), orig); i >= 0 {
			t.Errorf("%s: input %s modified at index %d", gc.Name, name, i)
		}
	}
}

// env gives an op runner its inputs and parameters.
type env struct {
	t      *testing.T
	b      backend.Backend
	ctx    backend.Context
	f      *weights.File
	c      goldenCase
	inputs map[string]backend.Tensor
}

// in returns the required input "<case>/name" as a persistent tensor.
func (e *env) in(name string) backend.Tensor {
	t := e.opt(name)
	if t == nil {
		e.t.Fatalf("%s: fixture has no input %q", e.c.Name, name)
	}
	return t
}

// opt returns the optional input "<case>/name", or nil if the case has none.
func (e *env) opt(name string) backend.Tensor {
	full := e.c.Name + "/" + name
	if _, ok := e.f.Info(full); !ok {
		return nil
	}
	t, err := e.f.Tensor(e.b, full)
	if err != nil {
		e.t.Fatalf("%s: %v", e.c.Name, err)
	}
	e.inputs[name] = t
	return t
}

// params decodes the case's parameters into v.
func (e *env) params(v any) {
	if err := json.Unmarshal(e.c.Params, v); err != nil {
		e.t.Fatalf("%s: decode params %s: %v", e.c.Name, e.c.Params, err)
	}
}

// fastPaths lists the optional layer interfaces that c implements.
func fastPaths(c backend.Context) []string {
	var have []string
	add := func(ok bool, name string) {
		if ok {
			have = append(have, name)
		}
	}
	_, ok := c.(backend.Attender)
	add(ok, "Attention")
	_, ok = c.(backend.MatMulBiaser)
	add(ok, "MatMulBias")
	_, ok = c.(backend.LayerNormer)
	add(ok, "LayerNorm")
	_, ok = c.(backend.ModulatedLayerNormer)
	add(ok, "ModulatedLayerNorm")
	_, ok = c.(backend.RMSNormer)
	add(ok, "RMSNorm")
	_, ok = c.(backend.GroupNormer)
	add(ok, "GroupNorm")
	_, ok = c.(backend.PixelNormer)
	add(ok, "PixelNorm")
	_, ok = c.(backend.RoPEer)
	add(ok, "RoPE")
	_, ok = c.(backend.Snaker)
	add(ok, "Snake")
	return have
}
