package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/lockstep-av/lockstep/weights"
)

// writeSample writes a small file with three dtypes and JSON metadata.
func writeSample(t *testing.T) string {
	t.Helper()
	var w weights.Writer
	w.AddF32("blocks.0.attn.q.weight", []int{4, 3}, make([]float32, 12))
	w.Add(weights.NamedF16("embed", []int{8, 4}, make([]float32, 32)))
	w.Add(weights.NamedBF16("scale", nil, []float32{2}))
	w.SetMetadata("config", `{"hidden":4,"blocks":[1,2],"name":"a<b"}`)
	w.SetMetadata("format", "pt")
	w.SetMetadata("not_json", "[unclosed")
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInspectText(t *testing.T) {
	path := writeSample(t)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := inspect(&buf, path, false); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"file        " + path + "\n",
		"size        " + itoa(st.Size()) + " bytes",
		"tensors     3\n",
		"parameters  45 (45)\n",
		"  F32       12 (12, 48 B)\n",
		"  F16       32 (32, 64 B)\n",
		"  BF16      1 (1, 2 B)\n",
		"NAME                    DTYPE  SHAPE   PARAMS\n",
		"blocks.0.attn.q.weight  F32    [4, 3]  12\n",
		"embed                   F16    [8, 4]  32\n",
		"scale                   BF16   []      1\n",
		"metadata:\n{\n  \"config\": {\n    \"hidden\": 4,\n    \"blocks\": [\n      1,\n      2\n    ],\n    \"name\": \"a<b\"\n  },\n",
		"  \"format\": \"pt\",\n",
		"  \"not_json\": \"[unclosed\"\n}\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n--- output:\n%s", want, out)
		}
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestInspectJSON(t *testing.T) {
	path := writeSample(t)
	var buf bytes.Buffer
	if err := inspect(&buf, path, true); err != nil {
		t.Fatal(err)
	}
	var r struct {
		File          string           `json:"file"`
		SizeBytes     int64            `json:"size_bytes"`
		TensorCount   int              `json:"tensor_count"`
		Parameters    int64            `json:"parameters"`
		ParamsByDType map[string]int64 `json:"parameters_by_dtype"`
		Tensors       []struct {
			Name        string   `json:"name"`
			DType       string   `json:"dtype"`
			Shape       []int    `json:"shape"`
			Params      int64    `json:"params"`
			DataOffsets [2]int64 `json:"data_offsets"`
		} `json:"tensors"`
		Metadata map[string]any `json:"metadata"`
	}
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, buf.String())
	}
	if r.File != path || r.TensorCount != 3 || r.Parameters != 45 || r.ParamsByDType["F16"] != 32 || r.SizeBytes == 0 {
		t.Errorf("summary: %+v", r)
	}
	if len(r.Tensors) != 3 || r.Tensors[1].Name != "embed" || r.Tensors[1].DType != "F16" ||
		r.Tensors[1].DataOffsets != [2]int64{48, 112} || len(r.Tensors[2].Shape) != 0 || r.Tensors[2].Shape == nil {
		t.Errorf("tensors: %+v", r.Tensors)
	}
	cfg, ok := r.Metadata["config"].(map[string]any)
	if !ok || cfg["hidden"] != 4.0 || r.Metadata["format"] != "pt" || r.Metadata["not_json"] != "[unclosed" {
		t.Errorf("metadata: %#v", r.Metadata)
	}
}

func TestInspectBadFile(t *testing.T) {
	path := writeSample(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)-5], 0o644); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = inspect(&buf, path, false)
	if err == nil || !strings.Contains(err.Error(), "(5 bytes missing)") || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("printed a partial report for a bad file:\n%s", buf.String())
	}
}

// The command line reaches the inspect command with its flag.
func TestInspectCommandLine(t *testing.T) {
	var c cli
	p, err := kong.New(&c, kong.Name("lockstep"), kong.Vars{"version": version})
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := p.Parse([]string{"inspect", "--json", "x.safetensors"})
	if err != nil {
		t.Fatal(err)
	}
	if ctx.Command() != "inspect <file>" || !c.Inspect.JSON || filepath.Base(c.Inspect.File) != "x.safetensors" {
		t.Errorf("parsed %q %+v", ctx.Command(), c.Inspect)
	}
}
