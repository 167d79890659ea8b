package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/lockstep-av/lockstep/bench/schedbench"
)

// parseCLI parses args into a fresh cli, as main does.
func parseCLI(t *testing.T, args ...string) (*kong.Context, *cli) {
	t.Helper()
	var c cli
	p, err := kong.New(&c, kong.Name("lockstep"), kong.Vars{"version": version})
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := p.Parse(args)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, &c
}

// TestBenchSchedulersEndToEnd runs `lockstep bench schedulers` on a small
// grid and checks the JSON records, the Markdown table and the PNG.
func TestBenchSchedulersEndToEnd(t *testing.T) {
	dir := t.TempDir()
	js, md, pl := filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "t.md"), filepath.Join(dir, "p.png")
	ctx, c := parseCLI(t, "bench", "schedulers", "--model", "gmm", "--solvers", "euler,dpmpp2m,unipc2",
		"--schedules", "karras,exponential", "--nfe", "6,10", "--seeds", "2", "--json", js, "--md", md, "--plot", pl)
	if ctx.Command() != "bench schedulers" {
		t.Fatalf("command %q", ctx.Command())
	}
	var out bytes.Buffer
	if err := c.Bench.Schedulers.run(&out); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(js)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct {
			Solver, Schedule string
			NFE              int
			RMSError         float64   `json:"rms_error"`
			Noise            []float64 `json:"noise"`
			Sample           []float64 `json:"sample"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("record %d: %v", n, err)
		}
		if r.Solver == "" || r.NFE == 0 || !(r.RMSError > 0) || len(r.Noise) != 16 || len(r.Sample) != 16 {
			t.Errorf("record %d incomplete: %s", n, sc.Text()[:min(200, len(sc.Text()))])
		}
		n++
	}
	if n != 3*2*2*2 {
		t.Errorf("%d records, want 24", n)
	}
	tab, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{"| euler | karras |", "| dpmpp2m | exponential |", "| unipc2 | karras |"} {
		if !strings.Contains(string(tab), row) {
			t.Errorf("table lacks row %q:\n%s", row, tab)
		}
	}
	if i := strings.Index(string(tab), "| solver |"); i < 0 || !strings.Contains(out.String(), string(tab[i:])) {
		t.Error("printed output lacks the table")
	}
	pf, err := os.Open(pl)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	img, err := png.Decode(pf)
	if err != nil {
		t.Fatalf("plot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 200 {
		t.Errorf("plot size %v", b)
	}
}

// TestBenchSchedulersDemoMissing checks the error for a checkpoint file
// that is not there.
func TestBenchSchedulersDemoMissing(t *testing.T) {
	_, c := parseCLI(t, "bench", "schedulers", "--model", filepath.Join(t.TempDir(), "none.safetensors"))
	if err := c.Bench.Schedulers.run(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: error %v", err)
	}
}

// TestBenchSchedulersDemoFile runs the flow benchmark on the tiny
// checkpoint: records with per-modality and decoded errors, the tables,
// the estimate and the plot.
func TestBenchSchedulersDemoFile(t *testing.T) {
	dir := t.TempDir()
	js, md, pl := filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "t.md"), filepath.Join(dir, "p.png")
	_, c := parseCLI(t, "bench", "schedulers", "--model", tinyCheckpoint(t), "--solvers", "euler,heun,ref-heun",
		"--nfe", "4,8,16", "--seeds", "2", "--size", "32x32", "--frames", "5", "--ref-steps", "8", "--check-ref",
		"--caption", "two small red balls bounce on a grey floor", "--caption", "a large blue ball falls in a dark room",
		"--threads", "1", "--json", js, "--md", md, "--plot", pl)
	var out, errOut bytes.Buffer
	c.Bench.Schedulers.stderr = &errOut
	if err := c.Bench.Schedulers.run(&out); err != nil {
		t.Fatal(err)
	}
	t.Logf("stderr:\n%s\nstdout:\n%s", errOut.String(), out.String())
	if !strings.Contains(errOut.String(), "seeds 2: 162 model evaluations in the runs + 48 in the references") {
		t.Errorf("no estimate in stderr:\n%s", errOut.String())
	}
	data, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3*3*2 {
		t.Fatalf("%d records, want 18", len(lines))
	}
	for i, l := range lines {
		var r schedbench.Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if r.Model != "tiny.safetensors" || len(r.PartRMSError) != 2 || len(r.Decoded) != 2 || r.Caption == "" || r.Shift != 3 {
			t.Errorf("record %d: %s", i, l)
		}
		if zero := r.Solver == "ref-heun" && r.NFE == 16; zero != (r.RMSError == 0) {
			t.Errorf("record %d: %s at %d NFE, error %g", i, r.Solver, r.NFE, r.RMSError)
		}
	}
	tab, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| heun | normal |", "decoded video PSNR", "audio latent RMS", "--caption \"a large blue ball falls in a dark room\""} {
		if !strings.Contains(string(tab), want) || !strings.Contains(out.String()+string(tab), want) {
			t.Errorf("table lacks %q:\n%s", want, tab)
		}
	}
	if !strings.Contains(out.String(), "largest RMS difference to a 4-step reference") {
		t.Errorf("no reference check in the output")
	}
	pf, err := os.Open(pl)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if _, err := png.Decode(pf); err != nil {
		t.Fatalf("plot is not a PNG: %v", err)
	}
}

// TestBenchSchedulersGMMFlow runs the flow harness on gmm-flow.
func TestBenchSchedulersGMMFlow(t *testing.T) {
	_, c := parseCLI(t, "bench", "schedulers", "--model", "gmm-flow", "--solvers", "euler,unipc2", "--nfe", "6,20", "--seeds", "3")
	var out bytes.Buffer
	if err := c.Bench.Schedulers.run(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "| unipc2 | normal |") || strings.Contains(out.String(), "PSNR") {
		t.Errorf("output:\n%s", out.String())
	}
}

// TestBenchHelpListsNames keeps the help texts in step with the registries.
func TestBenchHelpListsNames(t *testing.T) {
	f, ok := reflect.TypeOf(benchSchedulersCmd{}).FieldByName("Solvers")
	if !ok || !strings.Contains(f.Tag.Get("help"), strings.Join(schedbench.SolverNames(), ", ")+")") {
		t.Errorf("--solvers help %q does not list %v", f.Tag.Get("help"), schedbench.SolverNames())
	}
	if !strings.Contains(f.Tag.Get("help"), strings.Join(schedbench.DefaultFlowSolvers(), ", ")+";") {
		t.Errorf("--solvers help %q does not list %v", f.Tag.Get("help"), schedbench.DefaultFlowSolvers())
	}
	f, ok = reflect.TypeOf(benchSchedulersCmd{}).FieldByName("Schedules")
	if !ok || !strings.Contains(f.Tag.Get("help"), strings.Join(schedbench.ScheduleNames(), ", ")+")") {
		t.Errorf("--schedules help %q does not list %v", f.Tag.Get("help"), schedbench.ScheduleNames())
	}
}
