package scheduler_test

import (
	"math"
	"testing"

	"github.com/lockstep-av/lockstep/scheduler"
	"github.com/lockstep-av/lockstep/scheduler/gmm"
)

// allSamplers builds every solver with n steps on default schedules.
func allSamplers(t *testing.T, n int) map[string]scheduler.Sampler[[]float64] {
	ops := scheduler.F64Ops{}
	k := scheduler.KConfig{}
	m := scheduler.MConfig{}
	out := map[string]scheduler.Sampler[[]float64]{}
	add := func(name string, s scheduler.Sampler[[]float64], err error) {
		if err != nil {
			t.Fatalf("%s n=%d: %v", name, n, err)
		}
		out[name] = s
	}
	s1, e1 := scheduler.NewEuler[[]float64](ops, k, n)
	add("euler", s1, e1)
	s2, e2 := scheduler.NewHeun[[]float64](ops, k, n)
	add("heun", s2, e2)
	s3, e3 := scheduler.NewLMS[[]float64](ops, k, n, 4)
	add("lms", s3, e3)
	s4, e4 := scheduler.NewEulerAncestral[[]float64](ops, k, n, 1)
	add("euler_a", s4, e4)
	s5, e5 := scheduler.NewDPMSolverPP2SAncestral[[]float64](ops, k, n, 1, 1)
	add("dpmpp_2s_a", s5, e5)
	s6, e6 := scheduler.NewDPMSolverPP[[]float64](ops, scheduler.DPMConfig{MConfig: m, Order: 3}, n)
	add("dpmpp3m", s6, e6)
	s7, e7 := scheduler.NewDPMSolverPP[[]float64](ops, scheduler.DPMConfig{MConfig: m, SDE: true}, n)
	add("dpmpp2m_sde", s7, e7)
	s8, e8 := scheduler.NewDPMSolverSingle[[]float64](ops, scheduler.DPMSingleConfig{MConfig: m, Order: 3}, n)
	add("dpm_single3", s8, e8)
	s9, e9 := scheduler.NewUniPC[[]float64](ops, scheduler.UniPCConfig{MConfig: m, Order: 3}, n)
	add("unipc3", s9, e9)
	s10, e10 := scheduler.NewDEIS[[]float64](ops, scheduler.DEISConfig{MConfig: m, Order: 3}, n)
	add("deis3", s10, e10)
	s11, e11 := scheduler.NewDDIM[[]float64](ops, scheduler.DDIMConfig{Eta: 0.5}, n)
	add("ddim", s11, e11)
	s12, e12 := scheduler.NewDDPM[[]float64](ops, scheduler.DDIMConfig{}, n)
	add("ddpm", s12, e12)
	s13, e13 := scheduler.NewLCM[[]float64](ops, scheduler.LCMConfig{}, n)
	add("lcm", s13, e13)
	s14, e14 := scheduler.NewTCD[[]float64](ops, scheduler.TCDConfig{Gamma: 0.3}, n)
	add("tcd", s14, e14)
	s15, e15 := scheduler.NewFlowEuler[[]float64](ops, scheduler.FlowConfig{Shift: 3}, n)
	add("flow_euler", s15, e15)
	s16, e16 := scheduler.NewFlowHeun[[]float64](ops, scheduler.FlowConfig{Shift: 3}, n)
	add("flow_heun", s16, e16)
	s17, e17 := scheduler.NewIPNDM[[]float64](ops, n)
	add("ipndm", s17, e17)
	return out
}

// TestAllSolversFewSteps runs every solver with 1, 2 and 3 steps and checks
// that each produces finite samples without panicking.
func TestAllSolversFewSteps(t *testing.T) {
	for _, n := range []int{1, 2, 3} {
		for name, s := range allSamplers(t, n) {
			pred := scheduler.Epsilon
			switch name {
			case "flow_euler", "flow_heun":
				pred = scheduler.Velocity
			case "ipndm":
				pred = scheduler.V
			}
			x := scheduler.NewRNG(1, 0).Normals(make([]float64, 2*gmm.D))
			if err := s.Sample(gmm.Model(pred), x); err != nil {
				t.Errorf("%s n=%d: %v", name, n, err)
				continue
			}
			for i, v := range x {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("%s n=%d: sample[%d] = %v", name, n, i, v)
					break
				}
			}
		}
	}
}

// TestZeroStepsRejected checks that every constructor returns an error
// (not a panic) for 0 steps.
func TestZeroStepsRejected(t *testing.T) {
	ops := scheduler.F64Ops{}
	errs := map[string]error{}
	_, errs["euler"] = scheduler.NewEuler[[]float64](ops, scheduler.KConfig{}, 0)
	_, errs["dpm"] = scheduler.NewDPMSolverPP[[]float64](ops, scheduler.DPMConfig{}, 0)
	_, errs["unipc"] = scheduler.NewUniPC[[]float64](ops, scheduler.UniPCConfig{}, 0)
	_, errs["ddim"] = scheduler.NewDDIM[[]float64](ops, scheduler.DDIMConfig{}, 0)
	_, errs["lcm"] = scheduler.NewLCM[[]float64](ops, scheduler.LCMConfig{}, 0)
	_, errs["flow"] = scheduler.NewFlowEuler[[]float64](ops, scheduler.FlowConfig{}, 0)
	_, errs["ipndm"] = scheduler.NewIPNDM[[]float64](ops, 0)
	for name, err := range errs {
		if err == nil {
			t.Errorf("%s accepted 0 steps", name)
		}
	}
}
