package schedbench

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestConvergenceOrder checks that the known orders show on gmm with
// Karras sigmas: between 20 and 50 NFE Euler's error falls about as NFE^-1
// (ratio ~2.5), the second-order solvers' much faster.
func TestConvergenceOrder(t *testing.T) {
	recs, _, err := Run(Config{Solvers: []string{"euler", "heun", "dpmpp2m", "unipc2"}, Schedules: []string{"karras"},
		NFE: []int{20, 50}, Seeds: 16})
	if err != nil {
		t.Fatal(err)
	}
	e := map[string][2]float64{}
	for _, s := range Summarize(recs) {
		v := e[s.Solver]
		if s.NFE == 20 {
			v[0] = s.RMSError
		} else {
			v[1] = s.RMSError
		}
		e[s.Solver] = v
	}
	ratio := func(name string) float64 { return e[name][0] / e[name][1] }
	for name, v := range e {
		t.Logf("%-8s median RMS error at 20 NFE %.3g, at 50 NFE %.3g, ratio %.3g", name, v[0], v[1], ratio(name))
	}
	if r := ratio("euler"); r < 1.8 || r > 3.5 {
		t.Errorf("Euler ratio %.3g, want ~2.5 (first order)", r)
	}
	for _, name := range []string{"heun", "dpmpp2m", "unipc2"} {
		if ratio(name) < 2*ratio("euler") {
			t.Errorf("%s ratio %.3g, want at least twice Euler's %.3g", name, ratio(name), ratio("euler"))
		}
	}
}

// TestRunGrid checks the record layout and the Markdown table on a small
// grid, and that each run starts from its seed's noise.
func TestRunGrid(t *testing.T) {
	recs, chk, err := Run(Config{Solvers: []string{"euler", "heun"}, Schedules: []string{"karras", "normal"}, NFE: []int{4, 9}, Seeds: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2*2*2*3 {
		t.Fatalf("%d records, want 24", len(recs))
	}
	if chk.Solution != 3 || chk.MaxDiff > 1e-8 {
		t.Errorf("reference check %+v", chk)
	}
	for _, r := range recs {
		if r.Evals > r.NFE || (r.Solver == "euler" && r.Evals != r.NFE) {
			t.Errorf("%s at NFE %d made %d evaluations", r.Solver, r.NFE, r.Evals)
		}
		if r.Solver == "heun" && r.Evals != 2*r.Steps-1 {
			t.Errorf("heun: %d evaluations for %d intervals", r.Evals, r.Steps)
		}
		if z := Noise(r.Seed, len(r.Noise)); !equal(z, r.Noise) {
			t.Errorf("record noise is not seed %d's", r.Seed)
		}
		if !(r.RMSError > 0 && r.MaxError >= r.RMSError && r.StepLatencyNs > 0) {
			t.Errorf("bad metrics %+v", r)
		}
	}
	var b bytes.Buffer
	if err := Markdown(&b, Summarize(recs)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2+4 || !strings.HasPrefix(lines[0], "| solver | schedule | 4 | 9 |") || !strings.HasPrefix(lines[5], "| heun | normal |") {
		t.Errorf("table:\n%s", b.String())
	}
	if _, _, err := Run(Config{Solvers: []string{"nope"}}); err == nil {
		t.Error("unknown solver accepted")
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestTrajectory checks that the trajectory ends with the run's error and
// starts with (nearly) none, and logs the Karras 10-NFE paths of Euler and
// DPM-Solver++ 2M (see docs/bench/schedulers_gmm_notes.md).
func TestTrajectory(t *testing.T) {
	for _, name := range []string{"euler", "dpmpp2m"} {
		s, _ := LookupSolver(name)
		tr, err := Trajectory(s, Schedules["karras"], 10, 3)
		if err != nil {
			t.Fatal(err)
		}
		recs, _, err := Run(Config{Solvers: []string{name}, Schedules: []string{"karras"}, NFE: []int{10}, Seeds: 4})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := tr[len(tr)-1].RMSError, recs[3].RMSError; math.Abs(got-want) > 1e-12 {
			t.Errorf("%s: final trajectory error %.6g, run error %.6g", name, got, want)
		}
		if len(tr) != 11 || tr[0].RMSError > 1e-5 {
			t.Errorf("%s: %d points, first error %.3g", name, len(tr), tr[0].RMSError)
		}
		line := ""
		for _, p := range tr {
			line += fmt.Sprintf(" %.3g:%.2e", p.Sigma, p.RMSError)
		}
		t.Logf("%s sigma:error%s", name, line)
	}
}
