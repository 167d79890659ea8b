package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lockstep-av/lockstep/bench/kernels"
	"github.com/lockstep-av/lockstep/model/demo/checkpoint"
)

// TestBenchStepDecodeJSON runs `lockstep bench step` and `bench decode`
// on the tiny golden model and checks the JSON records.
func TestBenchStepDecodeJSON(t *testing.T) {
	ckpt := tinyCheckpoint(t)
	for _, tc := range []struct {
		args  []string
		names []string
	}{
		{[]string{"bench", "step", "--json", "--checkpoint", ckpt, "--clips", "5x32x32", "--threads", "1,2", "--runs", "1"},
			[]string{"step_total", "step_attention", "step_mlp", "step_other"}},
		{[]string{"bench", "decode", "--json", "--checkpoint", ckpt, "--threads", "2", "--runs", "1"},
			[]string{"decode_video", "decode_audio"}},
	} {
		kctx, _ := parseCLI(t, tc.args...)
		var out bytes.Buffer
		var err error
		switch cmd := kctx.Selected().Target.Addr().Interface().(type) {
		case *benchStepCmd:
			err = cmd.run(&out)
		case *benchDecodeCmd:
			err = cmd.run(&out)
		default:
			t.Fatalf("%v: selected %T", tc.args, cmd)
		}
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		var recs []kernels.Record
		sc := bufio.NewScanner(&out)
		for sc.Scan() {
			var r kernels.Record
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%v: line %q: %v", tc.args, sc.Text(), err)
			}
			recs = append(recs, r)
		}
		per := len(tc.names)
		if len(recs)%per != 0 || len(recs) == 0 {
			t.Fatalf("%v: %d records", tc.args, len(recs))
		}
		for i, r := range recs {
			if r.Name != tc.names[i%per] || r.MedianMS < 0 || r.Runs < 1 || r.Threads < 1 {
				t.Errorf("%v: record %d = %+v, want name %s", tc.args, i, r, tc.names[i%per])
			}
			if strings.HasPrefix(r.Name, "decode") && !(r.OutputSPS > 0) {
				t.Errorf("%v: %s without output_s_per_s", tc.args, r.Name)
			}
		}
		if recs[0].Shape != "5x32x32_a53" && recs[0].Name == "step_total" {
			t.Errorf("step shape %q", recs[0].Shape)
		}
	}
}

// TestBenchKernelsErrors checks the flag errors of the new subcommands.
func TestBenchKernelsErrors(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "kernels", "--only", "fft"},
		{"bench", "kernels", "--threads", "0"},
		{"bench", "step", "--checkpoint", "/nonexistent/x.safetensors"},
		{"bench", "step", "--checkpoint", "x", "--clips", "4x32x32"},
		{"bench", "decode", "--checkpoint", "/nonexistent/x.safetensors"},
	} {
		kctx, _ := parseCLI(t, args...)
		var err error
		switch cmd := kctx.Selected().Target.Addr().Interface().(type) {
		case *benchKernelsCmd:
			err = cmd.run(&bytes.Buffer{})
		case *benchStepCmd:
			err = cmd.run(&bytes.Buffer{})
		case *benchDecodeCmd:
			err = cmd.run(&bytes.Buffer{})
		}
		if err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestBenchCheckpointDefault checks that bench step and decode time the
// embedded shipped checkpoint when --checkpoint is not given.
func TestBenchCheckpointDefault(t *testing.T) {
	kctx, _ := parseCLI(t, "bench", "step", "--clips", "5x32x32")
	cmd, ok := kctx.Selected().Target.Addr().Interface().(*benchStepCmd)
	if !ok {
		t.Fatalf("selected %T", kctx.Selected().Target.Addr().Interface())
	}
	if cmd.Checkpoint != "" {
		t.Fatalf("--checkpoint defaults to %q, want empty (embedded)", cmd.Checkpoint)
	}
	f, err := cmd.open()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if want := checkpoint.Bytes(); f.Size() != int64(len(want)) {
		t.Errorf("opened %d bytes, embedded checkpoint has %d", f.Size(), len(want))
	}
	if len(f.Names()) == 0 {
		t.Error("embedded checkpoint has no tensors")
	}
}
