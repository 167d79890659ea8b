package schedbench

import (
	"math"
	"reflect"
	"testing"

	"github.com/lockstep-av/lockstep/scheduler"
	"github.com/lockstep-av/lockstep/scheduler/gmm"
)

// flowRK4 is an independent solution of the gmm flow ODE dx/ds = v(x, s):
// classical RK4 on a uniform grid from s = 1 to 1e-6, then an Euler step
// to 0.
func flowRK4(x []float64, steps int) {
	n := len(x)
	f := func(dst, x []float64, s float64) { gmm.Predict(dst, x, 1-s, s, scheduler.Velocity) }
	k1, k2, k3, k4, tmp := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	const end = 1e-6
	h := (end - 1) / float64(steps)
	for k := range steps {
		s := 1 + float64(k)*h
		f(k1, x, s)
		for i := range x {
			tmp[i] = x[i] + h/2*k1[i]
		}
		f(k2, tmp, s+h/2)
		for i := range x {
			tmp[i] = x[i] + h/2*k2[i]
		}
		f(k3, tmp, s+h/2)
		for i := range x {
			tmp[i] = x[i] + h*k3[i]
		}
		f(k4, tmp, s+h)
		for i := range x {
			x[i] += h / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
	}
	f(k1, x, end)
	for i := range x {
		x[i] -= end * k1[i]
	}
}

// TestHeunReferenceAccurate checks the flow reference (ref-heun) of
// gmm-flow against a 20000-step RK4 solution of the same ODE: 200 steps
// are within 3e-4 RMS (the gmm's modes are sharp, standard deviation 0.1)
// and halving the steps multiplies the error by ~4 (second order to the
// end, no first-order final step).
func TestHeunReferenceAccurate(t *testing.T) {
	m := GMMFlow{Batch: 4}
	for seed := uint64(0); seed < 3; seed++ {
		z, v, _, err := m.Seed(seed)
		if err != nil {
			t.Fatal(err)
		}
		want := append([]float64(nil), z...)
		flowRK4(want, 20000)
		var rms [2]float64
		for i, steps := range []int{DefaultRefSteps, DefaultRefSteps / 2} {
			ref, err := heunReference(v, z, m.Shift(), steps)
			if err != nil {
				t.Fatal(err)
			}
			var mx float64
			rms[i], mx = errors(ref, want)
			_, rel, at := maxRel(ref, want)
			t.Logf("seed %d: ref-heun %d steps vs RK4: RMS %.3g, max abs %.3g, max rel %.3g at %d", seed, steps, rms[i], mx, rel, at)
		}
		if rms[0] > 3e-4 {
			t.Errorf("seed %d: reference RMS %.3g from RK4, want < 3e-4", seed, rms[0])
		}
		if r := rms[1] / rms[0]; r < 3.5 || r > 4.5 {
			t.Errorf("seed %d: error ratio 100/200 steps %.3g, want ~4", seed, r)
		}
	}
}

// TestRunModelGMM runs the flow harness on gmm-flow: the reference
// against itself (heun at 2*RefSteps-1 evaluations) has zero error, Euler
// and Heun errors fall with NFE at their orders, records are complete and
// deterministic.
func TestRunModelGMM(t *testing.T) {
	cfg := ModelConfig{Solvers: []string{"euler", "heun", "dpmpp2m", "ref-heun"}, NFE: []int{4, 50, 2 * DefaultRefSteps}, Seeds: 3}
	recs, _, err := RunModel(GMMFlow{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4*3*3 {
		t.Fatalf("%d records, want 36", len(recs))
	}
	med := map[string]map[int]float64{}
	for _, s := range Summarize(recs) {
		if med[s.Solver] == nil {
			med[s.Solver] = map[int]float64{}
		}
		med[s.Solver][s.NFE] = s.RMSError
		t.Logf("%-8s NFE %3d: median RMS error %.3g", s.Solver, s.NFE, s.RMSError)
	}
	for _, r := range recs {
		if r.Model != "gmm-flow" || r.Schedule != "normal" || r.Shift != 3 || r.SigmaMax < 0.999 || r.SigmaMax > 1 || r.Evals > r.NFE {
			t.Errorf("record %+v", r)
		}
		if p := r.PartRMSError["x"]; p != r.RMSError {
			t.Errorf("%s NFE %d: part error %g, total %g", r.Solver, r.NFE, p, r.RMSError)
		}
		if r.Solver == "ref-heun" && r.NFE == 2*DefaultRefSteps {
			if r.RMSError != 0 || r.Evals != r.NFE {
				t.Errorf("reference vs itself: error %g after %d evaluations", r.RMSError, r.Evals)
			}
		} else if !(r.RMSError > 0) || !(r.StepLatencyNs > 0) {
			t.Errorf("%s NFE %d seed %d: error %g, latency %g", r.Solver, r.NFE, r.Seed, r.RMSError, r.StepLatencyNs)
		}
	}
	// Euler is first order: 8x the NFE gives ~8x less error; Heun
	// (second order) falls much faster.
	if r := med["euler"][50] / med["euler"][400]; r < 5 || r > 11 {
		t.Errorf("Euler error ratio NFE 50/400 = %.3g, want ~8", r)
	}
	if r := med["euler"][4] / med["euler"][400]; r < 10 {
		t.Errorf("Euler error ratio NFE 4/400 = %.3g, want > 10", r)
	}
	if r := med["heun"][4] / med["heun"][50]; r < 30 {
		t.Errorf("Heun error ratio NFE 4/50 = %.3g, want > 30", r)
	}
	again, _, err := RunModel(GMMFlow{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		a, b := recs[i], again[i]
		a.StepLatencyNs, b.StepLatencyNs = 0, 0
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("record %d differs between runs:\n%+v\n%+v", i, a, b)
		}
	}
}

// TestRunModelErrors checks that a bad grid is refused.
func TestRunModelErrors(t *testing.T) {
	for _, c := range []ModelConfig{
		{Solvers: []string{"lms"}},
		{Schedules: []string{"karras"}},
		{Schedules: []string{"shift-1"}},
		{NFE: []int{1}},
		{RefSteps: 1},
		{Decode: true},
	} {
		if _, _, err := RunModel(GMMFlow{}, c); err == nil {
			t.Errorf("%+v accepted", c)
		} else {
			t.Log(err)
		}
	}
}

// TestFlowShift checks the schedule names of flow models.
func TestFlowShift(t *testing.T) {
	for _, tc := range []struct {
		name string
		want float64
	}{{"normal", 3}, {"shift1", 1}, {"shift6", 6}, {"shift2.5", 2.5}} {
		got, err := FlowShift(tc.name, 3)
		if err != nil || math.Abs(got-tc.want) > 0 {
			t.Errorf("%s: %g, %v; want %g", tc.name, got, err, tc.want)
		}
	}
}

// TestModelEvaluations checks the evaluation count against the runs.
func TestModelEvaluations(t *testing.T) {
	cfg := ModelConfig{Solvers: []string{"euler", "heun", "unipc3"}, NFE: []int{4, 7}, Seeds: 2, RefSteps: 10, CheckRef: true}
	runs, refs, err := cfg.Evaluations(GMMFlow{})
	if err != nil {
		t.Fatal(err)
	}
	recs, chk, err := RunModel(GMMFlow{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		n += r.Evals
	}
	if runs != n || refs != 2*(20+10) {
		t.Errorf("estimate %d runs + %d refs; the runs made %d", runs, refs, n)
	}
	if chk.Seeds != 2 || !(chk.MaxRMSDiff > 0 && chk.MaxRMSDiff < 0.2) {
		t.Errorf("reference check %+v", chk)
	}
}
