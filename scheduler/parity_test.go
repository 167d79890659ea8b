package scheduler_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/lockstep-av/lockstep/scheduler"
	"github.com/lockstep-av/lockstep/scheduler/gmm"
)

// fixture is one record of scheduler/testdata/diffusers_*.json, written by
// train/diffusers_parity.py from diffusers' own scheduler code.
type fixture struct {
	Name         string         `json:"name"`
	Class        string         `json:"class"`
	Config       map[string]any `json:"config"`
	SetTimesteps map[string]any `json:"set_timesteps"`
	Step         map[string]any `json:"step"`
	Steps        int            `json:"steps"`
	Kind         string         `json:"kind"`
	Seed         uint64         `json:"seed"`
	InitNoise    float64        `json:"init_noise_sigma"`
	Timesteps    []float64      `json:"timesteps"`
	Sigmas       []float64      `json:"sigmas"`
	NFE          int            `json:"nfe"`
	Initial      [][]float64    `json:"initial_noise"`
	Final        [][]float64    `json:"final"`
}

type betaTable struct {
	Name          string         `json:"name"`
	Config        map[string]any `json:"config"`
	Betas         []float64      `json:"betas"`
	AlphasCumprod []float64      `json:"alphas_cumprod"`
}

func loadJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v (regenerate with /usr/bin/python3 train/diffusers_parity.py DIFFUSERS_DIR)", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
}

func loadBetas(t *testing.T) map[string]betaTable {
	var tabs []betaTable
	loadJSON(t, "diffusers_betas.json", &tabs)
	m := map[string]betaTable{}
	for _, b := range tabs {
		m[b.Name] = b
	}
	return m
}

func cfgStr(c map[string]any, k, def string) string {
	if v, ok := c[k].(string); ok {
		return v
	}
	return def
}

func cfgNum(c map[string]any, k string, def float64) float64 {
	if v, ok := c[k].(float64); ok {
		return v
	}
	return def
}

func cfgBool(c map[string]any, k string) bool {
	v, _ := c[k].(bool)
	return v
}

// vpConfig maps a diffusers config to a VPConfig. Linear and scaled-linear
// betas come from diffusers' own float32 table (torch.linspace rounding is
// checked separately to 1 ulp in TestBetasMatchDiffusers).
func vpConfig(c map[string]any, tabs map[string]betaTable) scheduler.VPConfig {
	sched := cfgStr(c, "beta_schedule", "linear")
	vc := scheduler.VPConfig{
		BetaStart: cfgNum(c, "beta_start", 0.0001),
		BetaEnd:   cfgNum(c, "beta_end", 0.02),
		Schedule:  scheduler.BetaSchedule(sched),
	}
	if sched != "squaredcos_cap_v2" {
		vc.TrainedBetas = tabs[betaKey(c)].Betas
	}
	return vc
}

func kConfig(f fixture, tabs map[string]betaTable) scheduler.KConfig {
	c := f.Config
	kc := scheduler.KConfig{
		VP:          vpConfig(c, tabs),
		Spacing:     scheduler.Spacing(cfgStr(c, "timestep_spacing", "linspace")),
		StepsOffset: int(cfgNum(c, "steps_offset", 0)),
		Prediction:  scheduler.Prediction(cfgStr(c, "prediction_type", "epsilon")),
		// diffusers' Euler-family step() casts the sample to float32.
		Float32Sample: true,
	}
	if kc.Prediction == "flow_prediction" {
		kc.Prediction = scheduler.Velocity
	}
	custom, _ := f.SetTimesteps["sigmas"].([]any)
	switch {
	case len(custom) > 0:
		for _, v := range custom {
			kc.CustomSigmas = append(kc.CustomSigmas, v.(float64))
		}
	case cfgBool(c, "use_karras_sigmas"):
		kc.Sigmas = scheduler.SigmasKarras
	case cfgBool(c, "use_exponential_sigmas"):
		kc.Sigmas = scheduler.SigmasExponential
	case cfgBool(c, "use_beta_sigmas"):
		kc.Sigmas = scheduler.SigmasBeta
	}
	return kc
}

// newSampler builds the Go solver matching a fixture's diffusers class and
// configuration.
func newSampler(f fixture, tabs map[string]betaTable) (scheduler.Sampler[[]float64], scheduler.Prediction, error) {
	ops := scheduler.F64Ops{}
	c := f.Config
	pred := scheduler.Prediction(cfgStr(c, "prediction_type", "epsilon"))
	switch f.Class {
	case "EulerDiscreteScheduler":
		s, err := scheduler.NewEuler[[]float64](ops, kConfig(f, tabs), f.Steps)
		return s, pred, err
	case "HeunDiscreteScheduler":
		s, err := scheduler.NewHeun[[]float64](ops, kConfig(f, tabs), f.Steps)
		return s, pred, err
	case "LMSDiscreteScheduler":
		s, err := scheduler.NewLMS[[]float64](ops, kConfig(f, tabs), f.Steps, 4)
		return s, pred, err
	case "EulerAncestralDiscreteScheduler":
		s, err := scheduler.NewEulerAncestral[[]float64](ops, kConfig(f, tabs), f.Steps, f.Seed)
		return s, pred, err
	}
	return newSamplerMore(f, tabs)
}

// ulpDiff returns the distance in float32 ulps between two float32 values.
func ulpDiff(a, b float64) int64 {
	ia := int64(math.Float32bits(float32(a)))
	ib := int64(math.Float32bits(float32(b)))
	if ia < 0x80000000 != (ib < 0x80000000) {
		if a == b {
			return 0
		}
		return math.MaxInt32
	}
	d := ia - ib
	if d < 0 {
		d = -d
	}
	return d
}

// compareExact reports values that differ; it allows maxULP float32 ulps.
func compareExact(t *testing.T, what string, got, want []float64, maxULP int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: len %d, want %d\n got %v\nwant %v", what, len(got), len(want), got, want)
		return
	}
	worst, wi := int64(0), -1
	for i := range got {
		if d := ulpDiff(got[i], want[i]); d > worst {
			worst, wi = d, i
		}
	}
	if worst > maxULP {
		t.Errorf("%s: max %d ulp at [%d]: got %.9g want %.9g (allowed %d)", what, worst, wi, got[wi], want[wi], maxULP)
	}
}

func flatten(v [][]float64) []float64 {
	var out []float64
	for _, r := range v {
		out = append(out, r...)
	}
	return out
}

// relErr returns max |got-want| / max(|want|) and the index of the worst element.
func relErr(got, want []float64) (float64, float64, int) {
	scale, worst, wi := 0.0, 0.0, 0
	for _, w := range want {
		scale = math.Max(scale, math.Abs(w))
	}
	for i := range got {
		if d := math.Abs(got[i] - want[i]); d > worst || math.IsNaN(d) {
			worst, wi = d, i
		}
	}
	return worst / scale, worst, wi
}

func runParity(t *testing.T, file string, tol float64) {
	tabs := loadBetas(t)
	var fs []fixture
	loadJSON(t, file, &fs)
	for _, f := range fs {
		t.Run(f.Name, func(t *testing.T) {
			s, pred, err := newSampler(f, tabs)
			if err != nil {
				t.Fatal(err)
			}
			// Timesteps that diffusers derives from Karras/exponential/beta
			// or custom sigmas go through numpy's SIMD float32 log (not
			// correctly rounded, CPU dependent): allow a few float32 ulps
			// there (2-5 observed).
			tsULP := int64(0)
			_, custom := f.SetTimesteps["sigmas"]
			derived := custom || cfgBool(f.Config, "use_karras_sigmas") || cfgBool(f.Config, "use_exponential_sigmas") || cfgBool(f.Config, "use_beta_sigmas")
			if derived && f.Kind == "sigma" {
				tsULP = 6
			}
			sigULP := int64(0)
			if f.Kind == "ipndm" {
				// torch's float32 sin/atan2 (SLEEF) are not correctly rounded.
				tsULP, sigULP = 4, 4
			}
			compareExact(t, "timesteps", s.Timesteps(), f.Timesteps, tsULP)
			if len(f.Sigmas) > 0 {
				compareExact(t, "sigmas", s.Sigmas(), f.Sigmas, sigULP)
			}
			if d := ulpDiff(s.InitNoiseSigma(), f.InitNoise); d != 0 {
				t.Errorf("init_noise_sigma %v want %v", s.InitNoiseSigma(), f.InitNoise)
			}
			if f.Kind == "flow" {
				pred = scheduler.Velocity
			}
			x := flatten(f.Initial)
			nfe := 0
			model := gmm.Model(pred)
			counted := func(out, xIn []float64, c scheduler.Cond) error { nfe++; return model(out, xIn, c) }
			if err := s.Sample(counted, x); err != nil {
				t.Fatal(err)
			}
			if nfe != f.NFE {
				t.Errorf("nfe %d want %d", nfe, f.NFE)
			}
			rel, abs, i := relErr(x, flatten(f.Final))
			t.Logf("%-30s nfe=%2d final max abs %.3g rel %.3g (at %d)", f.Name, nfe, abs, rel, i)
			if !(rel <= tol) {
				t.Errorf("final sample: max rel err %.3g at [%d] (got %.12g want %.12g), tol %g", rel, i, x[i], flatten(f.Final)[i], tol)
			}
		})
	}
}

func TestParityEuler(t *testing.T) { runParity(t, "diffusers_euler.json", 1e-6) }
func TestParityHeun(t *testing.T)  { runParity(t, "diffusers_heun.json", 1e-6) }
func TestParityLMS(t *testing.T)   { runParity(t, "diffusers_lms.json", 1e-6) }
