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

// TestBenchSchedulersDemoNotYet checks the honest error for models that do
// not exist yet.
func TestBenchSchedulersDemoNotYet(t *testing.T) {
	for _, m := range []string{"demo", "model.safetensors"} {
		_, c := parseCLI(t, "bench", "schedulers", "--model", m)
		err := c.Bench.Schedulers.run(&bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "not available yet: needs the demo model (issue 3/4)") {
			t.Errorf("--model %s: error %v", m, err)
		}
	}
}

// TestBenchHelpListsNames keeps the help texts in step with the registries.
func TestBenchHelpListsNames(t *testing.T) {
	f, ok := reflect.TypeOf(benchSchedulersCmd{}).FieldByName("Solvers")
	if !ok || !strings.Contains(f.Tag.Get("help"), strings.Join(schedbench.SolverNames(), ", ")+")") {
		t.Errorf("--solvers help %q does not list %v", f.Tag.Get("help"), schedbench.SolverNames())
	}
	f, ok = reflect.TypeOf(benchSchedulersCmd{}).FieldByName("Schedules")
	if !ok || !strings.Contains(f.Tag.Get("help"), strings.Join(schedbench.ScheduleNames(), ", ")+")") {
		t.Errorf("--schedules help %q does not list %v", f.Tag.Get("help"), schedbench.ScheduleNames())
	}
}
