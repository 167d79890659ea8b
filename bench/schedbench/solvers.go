package schedbench

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lockstep-av/lockstep/scheduler"
)

// Space is the state space a solver integrates in.
type Space int

// Solver state spaces: VE (x = x0 + sigma*eps, k-diffusion solvers) or VP
// (x = alpha*x0 + sigma*eps with alpha = 1/sqrt(1+s^2) of the VE level s,
// the multistep solvers). Both end at sigma = 0, where they coincide.
const (
	VE Space = iota
	VP
)

// Solver is a deterministic probability-flow ODE solver of the benchmark.
type Solver struct {
	Name  string
	Space Space
	// EvalsPerStep is the number of model evaluations per solver step:
	// 1 for Euler, LMS and the multistep and single-step DPM/UniPC/DEIS
	// solvers (diffusers counts one step per evaluation), 2 for Heun,
	// whose n intervals cost 2n-1 evaluations (the last interval, to
	// sigma = 0, is an Euler step).
	EvalsPerStep int
	// New builds the solver for a schedule and a number of steps.
	New func(schedule scheduler.SigmaKind, steps int) (scheduler.Sampler[[]float64], error)
}

// Steps returns the number of solver steps that spends at most nfe model
// evaluations: nfe for one-evaluation solvers, (nfe+1)/2 intervals for
// Heun (2n-1 <= nfe; an even NFE leaves one evaluation unused).
func (s Solver) Steps(nfe int) int {
	if s.EvalsPerStep == 2 {
		return (nfe + 1) / 2
	}
	return nfe
}

// vp is the training schedule of every benchmarked solver: diffusers'
// default linear betas 1e-4..0.02 over 1000 steps, so VE sigmas run from
// 0.01 to 157.4.
var vp = scheduler.VPConfig{}

var ops = scheduler.F64Ops{}

func kcfg(s scheduler.SigmaKind) scheduler.KConfig {
	return scheduler.KConfig{VP: vp, Sigmas: s}
}

func mcfg(s scheduler.SigmaKind) scheduler.MConfig {
	return scheduler.MConfig{VP: vp, Sigmas: s}
}

// Solvers lists the benchmarked solvers, all in their diffusers default
// configuration (epsilon prediction, final sigma 0, lower_order_final).
var Solvers = []Solver{
	{"euler", VE, 1, func(s scheduler.SigmaKind, n int) (scheduler.Sampler[[]float64], error) {
		return scheduler.NewEuler[[]float64](ops, kcfg(s), n)
	}},
	{"heun", VE, 2, func(s scheduler.SigmaKind, n int) (scheduler.Sampler[[]float64], error) {
		return scheduler.NewHeun[[]float64](ops, kcfg(s), n)
	}},
	{"lms", VE, 1, func(s scheduler.SigmaKind, n int) (scheduler.Sampler[[]float64], error) {
		return scheduler.NewLMS[[]float64](ops, kcfg(s), n, 4)
	}},
	{"dpmpp2m", VP, 1, func(s scheduler.SigmaKind, n int) (scheduler.Sampler[[]float64], error) {
		return scheduler.NewDPMSolverPP[[]float64](ops, scheduler.DPMConfig{MConfig: mcfg(s), Order: 2}, n)
	}},
	{"dpmpp3m", VP, 1, func(s scheduler.SigmaKind, n int) (scheduler.Sampler[[]float64], error) {
		return scheduler.NewDPMSolverPP[[]float64](ops, scheduler.DPMConfig{MConfig: mcfg(s), Order: 3}, n)
	}},
	{"dpm2s", VP, 1, func(s scheduler.SigmaKind, n int) (scheduler.Sampler[[]float64], error) {
		return scheduler.NewDPMSolverSingle[[]float64](ops, scheduler.DPMSingleConfig{MConfig: mcfg(s), Order: 2}, n)
	}},
	{"unipc2", VP, 1, func(s scheduler.SigmaKind, n int) (scheduler.Sampler[[]float64], error) {
		return scheduler.NewUniPC[[]float64](ops, scheduler.UniPCConfig{MConfig: mcfg(s), Order: 2}, n)
	}},
	{"unipc3", VP, 1, func(s scheduler.SigmaKind, n int) (scheduler.Sampler[[]float64], error) {
		return scheduler.NewUniPC[[]float64](ops, scheduler.UniPCConfig{MConfig: mcfg(s), Order: 3}, n)
	}},
	{"deis2", VP, 1, func(s scheduler.SigmaKind, n int) (scheduler.Sampler[[]float64], error) {
		return scheduler.NewDEIS[[]float64](ops, scheduler.DEISConfig{MConfig: mcfg(s), Order: 2}, n)
	}},
}

// Schedules maps the benchmark's schedule names to sigma kinds: "normal"
// interpolates the training sigmas at linspace timesteps (diffusers'
// default), the others span the same [sigma_min, sigma_max].
var Schedules = map[string]scheduler.SigmaKind{
	"normal":      scheduler.SigmasDefault,
	"karras":      scheduler.SigmasKarras,
	"exponential": scheduler.SigmasExponential,
	"beta":        scheduler.SigmasBeta,
}

// ScheduleNames returns the schedule names in the benchmark's order.
func ScheduleNames() []string { return []string{"normal", "karras", "exponential", "beta"} }

// SolverNames returns the solver names in the benchmark's order.
func SolverNames() []string {
	var out []string
	for _, s := range Solvers {
		out = append(out, s.Name)
	}
	return out
}

// LookupSolver returns the solver called name.
func LookupSolver(name string) (Solver, error) {
	for _, s := range Solvers {
		if s.Name == name {
			return s, nil
		}
	}
	return Solver{}, fmt.Errorf("unknown solver %q (have %s)", name, strings.Join(SolverNames(), ", "))
}

// lookupSchedule returns the sigma kind called name.
func lookupSchedule(name string) (scheduler.SigmaKind, error) {
	k, ok := Schedules[name]
	if !ok {
		names := ScheduleNames()
		slices.Sort(names)
		return "", fmt.Errorf("unknown schedule %q (have %s)", name, strings.Join(names, ", "))
	}
	return k, nil
}
