package scheduler_test

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/lockstep-av/lockstep/scheduler"
)

func mConfig(f fixture, tabs map[string]betaTable) scheduler.MConfig {
	c := f.Config
	k := kConfig(f, tabs)
	return scheduler.MConfig{
		VP: k.VP, Spacing: k.Spacing, StepsOffset: k.StepsOffset, Sigmas: k.Sigmas,
		Prediction:    k.Prediction,
		FinalSigmaMin: cfgStr(c, "final_sigmas_type", "zero") == "sigma_min",
		Flow:          cfgBool(c, "use_flow_sigmas"),
		FlowShift:     cfgNum(c, "flow_shift", 1),
		Dynamic:       cfgBool(c, "use_dynamic_shifting"),
	}
}

func flowConfig(f fixture) scheduler.FlowConfig {
	c := f.Config
	fc := scheduler.FlowConfig{
		NumTrainTimesteps: int(cfgNum(c, "num_train_timesteps", 1000)),
		Shift:             cfgNum(c, "shift", 1),
		Dynamic:           cfgBool(c, "use_dynamic_shifting"),
	}
	if fc.Dynamic {
		fc.Mu = cfgNum(f.SetTimesteps, "mu", 0)
	}
	return fc
}

func newSamplerMore(f fixture, tabs map[string]betaTable) (scheduler.Sampler[[]float64], scheduler.Prediction, error) {
	ops := scheduler.F64Ops{}
	c := f.Config
	pred := scheduler.Prediction(cfgStr(c, "prediction_type", "epsilon"))
	if pred == "flow_prediction" {
		pred = scheduler.Velocity
	}
	switch f.Class {
	case "DPMSolverMultistepScheduler":
		algo := cfgStr(c, "algorithm_type", "dpmsolver++")
		if algo != "dpmsolver++" && algo != "sde-dpmsolver++" {
			return nil, "", fmt.Errorf("algorithm %s not implemented", algo)
		}
		dc := scheduler.DPMConfig{
			MConfig:           mConfig(f, tabs),
			Order:             int(cfgNum(c, "solver_order", 2)),
			Heun:              cfgStr(c, "solver_type", "midpoint") == "heun",
			SDE:               algo == "sde-dpmsolver++",
			Seed:              f.Seed,
			NoLowerOrderFinal: !cfgBool(c, "lower_order_final"),
			EulerAtFinal:      cfgBool(c, "euler_at_final"),
		}
		s, err := scheduler.NewDPMSolverPP[[]float64](ops, dc, f.Steps)
		return s, pred, err
	case "UniPCMultistepScheduler":
		uc := scheduler.UniPCConfig{
			MConfig:           mConfig(f, tabs),
			Order:             int(cfgNum(c, "solver_order", 2)),
			BH1:               cfgStr(c, "solver_type", "bh2") == "bh1",
			NoLowerOrderFinal: !cfgBool(c, "lower_order_final"),
		}
		uc.Mu = cfgNum(f.SetTimesteps, "mu", 0)
		s, err := scheduler.NewUniPC[[]float64](ops, uc, f.Steps)
		return s, pred, err
	case "DPMSolverSinglestepScheduler":
		if algo := cfgStr(c, "algorithm_type", "dpmsolver++"); algo != "dpmsolver++" {
			return nil, "", fmt.Errorf("algorithm %s not implemented", algo)
		}
		dc := scheduler.DPMSingleConfig{
			MConfig:       mConfig(f, tabs),
			Order:         int(cfgNum(c, "solver_order", 2)),
			Heun:          cfgStr(c, "solver_type", "midpoint") == "heun",
			LowerOrderOff: !cfgBool(c, "lower_order_final"),
		}
		s, err := scheduler.NewDPMSolverSingle[[]float64](ops, dc, f.Steps)
		return s, pred, err
	case "DEISMultistepScheduler":
		dc := scheduler.DEISConfig{
			MConfig:           mConfig(f, tabs),
			Order:             int(cfgNum(c, "solver_order", 2)),
			NoLowerOrderFinal: !cfgBool(c, "lower_order_final"),
		}
		s, err := scheduler.NewDEIS[[]float64](ops, dc, f.Steps)
		return s, pred, err
	case "IPNDMScheduler":
		s, err := scheduler.NewIPNDM[[]float64](ops, f.Steps)
		return s, scheduler.V, err
	case "DDIMScheduler", "DDPMScheduler":
		dc := scheduler.DDIMConfig{
			VP:          vpConfig(c, tabs),
			Spacing:     scheduler.Spacing(cfgStr(c, "timestep_spacing", "leading")),
			StepsOffset: int(cfgNum(c, "steps_offset", 0)),
			Prediction:  pred,
			AlphaToOne:  cfgBool(c, "set_alpha_to_one"),
			Eta:         cfgNum(f.Step, "eta", 0),
			Seed:        f.Seed,
		}
		if f.Class == "DDPMScheduler" {
			s, err := scheduler.NewDDPM[[]float64](ops, dc, f.Steps)
			return s, pred, err
		}
		s, err := scheduler.NewDDIM[[]float64](ops, dc, f.Steps)
		return s, pred, err
	case "TCDScheduler":
		tc := scheduler.TCDConfig{LCMConfig: scheduler.LCMConfig{
			VP:                     vpConfig(c, tabs),
			OriginalInferenceSteps: int(cfgNum(c, "original_inference_steps", 50)),
			Prediction:             pred,
			Seed:                   f.Seed,
		}, Gamma: cfgNum(f.Step, "eta", 0.3)}
		s, err := scheduler.NewTCD[[]float64](ops, tc, f.Steps)
		return s, pred, err
	case "LCMScheduler":
		lc := scheduler.LCMConfig{
			VP:                     vpConfig(c, tabs),
			OriginalInferenceSteps: int(cfgNum(c, "original_inference_steps", 50)),
			TimestepScaling:        cfgNum(c, "timestep_scaling", 10),
			Prediction:             pred,
			AlphaToOne:             cfgBool(c, "set_alpha_to_one"),
			Seed:                   f.Seed,
		}
		s, err := scheduler.NewLCM[[]float64](ops, lc, f.Steps)
		return s, pred, err
	case "FlowMatchEulerDiscreteScheduler":
		s, err := scheduler.NewFlowEuler[[]float64](ops, flowConfig(f), f.Steps)
		return s, scheduler.Velocity, err
	case "FlowMatchHeunDiscreteScheduler":
		s, err := scheduler.NewFlowHeun[[]float64](ops, flowConfig(f), f.Steps)
		return s, scheduler.Velocity, err
	}
	return nil, "", fmt.Errorf("no Go solver for %s", f.Class)
}

// betaKey mirrors beta_key in train/diffusers_parity.py.
func betaKey(c map[string]any) string {
	g := func(k string) string { return strconv.FormatFloat(cfgNum(c, k, 0), 'g', -1, 64) }
	return cfgStr(c, "beta_schedule", "linear") + "_" + g("beta_start") + "_" + g("beta_end")
}

func TestParityDPMSolverPP(t *testing.T) { runParity(t, "diffusers_dpmpp2m.json", 1e-6) }
func TestParityDPMSingle(t *testing.T)   { runParity(t, "diffusers_dpm_single.json", 1e-6) }
func TestParityUniPC(t *testing.T)       { runParity(t, "diffusers_unipc.json", 1e-6) }
func TestParityFlowMultistep(t *testing.T) {
	runParity(t, "diffusers_flow_multistep.json", 1e-6)
}
func TestParityDDIM(t *testing.T) { runParity(t, "diffusers_ddim.json", 1e-6) }

// diffusers evaluates DEIS's third-order coefficients in float32 (numpy
// log of float32 tensors, then differences of nearly equal terms), which
// moves its final samples by up to ~2e-6 relative; Go uses float64. An
// experiment emulating float32 there fixed one case and worsened another
// (numpy's float32 log is not correctly rounded), so DEIS gets 3e-6.
func TestParityDEIS(t *testing.T)  { runParity(t, "diffusers_deis.json", 3e-6) }
func TestParityIPNDM(t *testing.T) { runParity(t, "diffusers_ipndm.json", 1e-6) }
func TestParityFlow(t *testing.T)  { runParity(t, "diffusers_flow.json", 1e-6) }

// The stochastic solvers draw their noise from the same documented RNG
// stream on both sides (the parity script stubs diffusers' randn_tensor),
// so they are compared sample for sample too.
func TestParityStochastic(t *testing.T) { runParity(t, "diffusers_stochastic.json", 1e-6) }

// TestBetasMatchDiffusers checks our own float32 beta construction against
// diffusers' tables: cosine betas and every alphas_cumprod exactly (from
// diffusers' betas), torch.linspace-based betas within 1 float32 ulp.
func TestBetasMatchDiffusers(t *testing.T) {
	tabs := loadBetas(t)
	for name, tab := range tabs {
		t.Run(name, func(t *testing.T) {
			c := tab.Config
			vc := scheduler.VPConfig{
				BetaStart:      cfgNum(c, "beta_start", 0.0001),
				BetaEnd:        cfgNum(c, "beta_end", 0.02),
				Schedule:       scheduler.BetaSchedule(cfgStr(c, "beta_schedule", "linear")),
				RescaleZeroSNR: cfgBool(c, "rescale_betas_zero_snr"),
			}
			own, err := scheduler.NewVP(vc)
			if err != nil {
				t.Fatal(err)
			}
			if vc.RescaleZeroSNR {
				// Rescale diffusers' own linear betas: exact float32 path.
				lin := tabs[betaKey(c)]
				vc.TrainedBetas = lin.Betas
				z, err := scheduler.NewVP(vc)
				if err != nil {
					t.Fatal(err)
				}
				compareExact(t, "zsnr betas", z.Betas, tab.Betas, 2)
				compareExact(t, "zsnr alphas_cumprod", z.AlphasCumprod, tab.AlphasCumprod, 2)
				return
			}
			// torch.linspace(float32) rounds some elements differently
			// (AVX2 lanes with FMA): 1 ulp, doubled by the square of
			// scaled_linear.
			maxULP := map[scheduler.BetaSchedule]int64{scheduler.BetaLinear: 1, scheduler.BetaScaledLinear: 4}[vc.Schedule]
			compareExact(t, "betas", own.Betas, tab.Betas, maxULP)
			vc.TrainedBetas = tab.Betas
			fromTheirs, err := scheduler.NewVP(vc)
			if err != nil {
				t.Fatal(err)
			}
			compareExact(t, "alphas_cumprod", fromTheirs.AlphasCumprod, tab.AlphasCumprod, 0)
		})
	}
	_ = math.Abs
}
