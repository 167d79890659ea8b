package schedbench

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/diffusion"
	"github.com/lockstep-av/lockstep/weights"
)

// goldenPath is model/demo's tiny random checkpoint (weights under
// "weights.") with its sampling settings in the "golden" metadata.
const goldenPath = "../../model/demo/testdata/golden_tiny.safetensors"

// goldenDemo binds the tiny checkpoint on threads CPU threads with the
// fixture's sampling settings (guided: CFG 3 video, 2 audio), for the
// fixture's caption (seed 0) and a second one (seed 1).
func goldenDemo(t *testing.T, threads int) (*Demo, *diffusion.Pipeline) {
	t.Helper()
	f, err := weights.Open(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	var info struct {
		Caption               string
		Frames, Height, Width int
		Shift                 float64
		CFGVideo              float64 `json:"cfg_video"`
		CFGAudio              float64 `json:"cfg_audio"`
	}
	if err := json.Unmarshal([]byte(f.Metadata()["golden"]), &info); err != nil {
		t.Fatal(err)
	}
	p, err := diffusion.New(cpu.New(threads), f, "weights.", "golden_tiny", "sha256:test")
	if err != nil {
		t.Fatal(err)
	}
	o := p.DefaultOptions()
	o.Frames, o.Width, o.Height, o.Shift = info.Frames, info.Width, info.Height, info.Shift
	o.CFGVideo, o.CFGAudio = info.CFGVideo, info.CFGAudio
	d, err := NewDemo(p, o, []string{info.Caption, "a small red ball bounces on a grey floor"}, "golden_tiny")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Guided() {
		t.Fatal("fixture settings are not guided")
	}
	return d, p
}

// TestDemoMatchesGenerate checks the benchmark's demo model against the
// pipeline users run: each solver, from seed 0's noise, ends where
// diffusion.Pipeline.Generate with the same solver, steps and caption
// ends (the pipeline keeps its state in float32, the benchmark in
// float64).
func TestDemoMatchesGenerate(t *testing.T) {
	d, p := goldenDemo(t, 1)
	noise, v, caption, err := d.Seed(0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		bench, pipeline string
		steps           int
	}{{"euler", "euler", 4}, {"heun", "flow-heun", 3}, {"flow-euler", "flow-euler", 4}, {"dpmpp2m", "dpmpp-2m", 5}, {"unipc3", "unipc-3", 5}} {
		s, err := LookupFlowSolver(tc.bench)
		if err != nil {
			t.Fatal(err)
		}
		rec, x, err := runFlow(s, d.Shift(), tc.steps, noise, v)
		if err != nil {
			t.Fatal(err)
		}
		o := d.Options()
		o.Prompt, o.Seed, o.Solver, o.Steps = caption, 0, tc.pipeline, tc.steps
		res, err := p.Generate(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]float64, 0, len(x))
		for _, f := range append(append([]float32(nil), res.Latents.Video...), res.Latents.Audio...) {
			want = append(want, float64(f))
		}
		abs, rel, at := maxRel(x, want)
		peak := 0.0
		for _, w := range want {
			peak = math.Max(peak, math.Abs(w))
		}
		t.Logf("%s (%s, %d steps, %d evaluations): max abs diff %.3g (peak %.3g), max rel %.3g at %d",
			tc.bench, tc.pipeline, tc.steps, rec.Evals, abs, peak, rel, at)
		if rec.Evals != res.Settings.ModelEvaluations || abs > 1e-4*peak {
			t.Errorf("%s: %d evaluations (pipeline %d), max abs diff %.3g at %d", tc.bench, rec.Evals, res.Settings.ModelEvaluations, abs, at)
		}
	}
}

// TestDemoRun runs the harness on the tiny model with decoding: the
// reference's own method at the reference's NFE has zero latent and
// decoded error, Euler's error falls with NFE, every record has the
// per-modality and decoded errors, and the records are identical on 1 and
// 2 threads.
func TestDemoRun(t *testing.T) {
	cfg := ModelConfig{Solvers: []string{"euler", "ref-heun"}, NFE: []int{4, 32, 64}, Seeds: 2, RefSteps: 32, Decode: true}
	run := func(threads int) []Record {
		d, _ := goldenDemo(t, threads)
		recs, _, err := RunModel(d, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	recs := run(1)
	if len(recs) != 2*3*2 {
		t.Fatalf("%d records, want 12", len(recs))
	}
	for _, r := range recs {
		t.Logf("%-8s NFE %2d seed %d %q: latent RMS %.3g (video %.3g, audio %.3g), decoded video RMS %.3g, audio RMS %.3g",
			r.Solver, r.NFE, r.Seed, r.Caption, r.RMSError, r.PartRMSError["video"], r.PartRMSError["audio"], r.Decoded["video_rms"], r.Decoded["audio_rms"])
		if len(r.PartRMSError) != 2 || len(r.Decoded) != 2 || r.Model != "golden_tiny" || r.Caption == "" {
			t.Errorf("record %+v", r)
		}
		if r.Solver == "ref-heun" && r.NFE == 64 {
			if r.RMSError != 0 || r.Decoded["video_rms"] != 0 || r.Decoded["audio_rms"] != 0 {
				t.Errorf("reference vs itself: %+v", r)
			}
			continue
		}
		if !(r.RMSError > 0 && r.PartRMSError["video"] > 0 && r.PartRMSError["audio"] > 0) {
			t.Errorf("zero error: %+v", r)
		}
		// The total is the RMS of the parts weighted by their sizes, so it
		// lies between them.
		lo := math.Min(r.PartRMSError["video"], r.PartRMSError["audio"])
		hi := math.Max(r.PartRMSError["video"], r.PartRMSError["audio"])
		if r.RMSError < lo || r.RMSError > hi {
			t.Errorf("total %.3g outside the parts [%.3g, %.3g]", r.RMSError, lo, hi)
		}
	}
	sums := Summarize(recs)
	if e4, e32 := sums[0].RMSError, sums[1].RMSError; !(e32 < e4/4) {
		t.Errorf("Euler median error %.3g at 4 NFE, %.3g at 32, want at least 4x less", e4, e32)
	}
	var b bytes.Buffer
	for _, m := range []string{"", MetricPart + "video", MetricPart + "audio", MetricVideoPSNR, MetricDecoded + "audio_rms"} {
		if err := MarkdownMetric(&b, sums, m); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(b.String(), "| ref-heun | normal |") || !strings.Contains(b.String(), " inf |") {
		t.Errorf("tables:\n%s", b.String())
	}
	t.Logf("tables:\n%s", b.String())
	for i, r := range run(2) {
		a := recs[i]
		a.StepLatencyNs, r.StepLatencyNs = 0, 0
		if !reflect.DeepEqual(a, r) {
			t.Errorf("record %d differs on 2 threads:\n%+v\n%+v", i, a, r)
		}
	}
}

// TestNewDemoRejects checks that a caption outside the vocabulary and a
// bad size are refused before anything runs.
func TestNewDemoRejects(t *testing.T) {
	d, p := goldenDemo(t, 1)
	if _, err := NewDemo(p, d.Options(), []string{"a small zebra"}, "x"); err == nil {
		t.Error("unknown word accepted")
	}
	o := d.Options()
	o.Width = 30
	if _, err := NewDemo(p, o, nil, "x"); err == nil {
		t.Error("width 30 accepted")
	}
}
