package schedbench

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lockstep-av/lockstep/diffusion"
	"github.com/lockstep-av/lockstep/scheduler"
)

// FlowSolver is a flow-matching solver of the model benchmark (RunModel):
// the same scheduler code the demo pipeline runs (diffusion's solver
// list), over float64 latents.
type FlowSolver struct {
	Name string
	// A run of n steps makes EvalsPerStep·n + ExtraEvals model
	// evaluations: 2n-1 for diffusers' Heun (its last step is an Euler
	// step), 2n for ref-heun, n for the others.
	EvalsPerStep, ExtraEvals int
	// New builds the solver for a flow shift and a number of steps.
	New func(shift float64, steps int) (scheduler.Sampler[[]float64], error)
}

// Steps returns the number of steps that spends at most nfe model
// evaluations (see Solver.Steps).
func (s FlowSolver) Steps(nfe int) int {
	return (nfe - s.ExtraEvals) / s.EvalsPerStep
}

// FlowSolvers lists the solvers of the model benchmark. The names follow
// the gmm benchmark where the method is the same; each is built by
// diffusion.NewSolver under the name of `lockstep generate --solver` (in
// brackets):
//
//	euler       SPEC.md's Euler, sigmas shift·t/(1+(shift-1)·t), t = 1-i/n (euler)
//	flow-euler  diffusers' FlowMatchEulerDiscreteScheduler grid (flow-euler)
//	heun        diffusers' FlowMatchHeunDiscreteScheduler, 2n-1 evaluations (flow-heun)
//	dpmpp2m, dpmpp3m, dpm2s, unipc2, unipc3 with flow sigmas (dpmpp-2m, dpmpp-3m, dpm-2s, unipc-2, unipc-3)
//	ref-heun    Heun on euler's grid, corrector on every step, 2n evaluations: the reference's method
var FlowSolvers = []FlowSolver{
	pipelineSolver("euler", "euler", 1, 0),
	pipelineSolver("flow-euler", "flow-euler", 1, 0),
	pipelineSolver("heun", "flow-heun", 2, -1),
	pipelineSolver("dpmpp2m", "dpmpp-2m", 1, 0),
	pipelineSolver("dpmpp3m", "dpmpp-3m", 1, 0),
	pipelineSolver("dpm2s", "dpm-2s", 1, 0),
	pipelineSolver("unipc2", "unipc-2", 1, 0),
	pipelineSolver("unipc3", "unipc-3", 1, 0),
	{"ref-heun", 2, 0, func(shift float64, n int) (scheduler.Sampler[[]float64], error) {
		return newRefHeun(shift, n)
	}},
}

// pipelineSolver is the benchmark's entry name for the pipeline's solver
// called solver.
func pipelineSolver(name, solver string, evalsPerStep, extraEvals int) FlowSolver {
	return FlowSolver{name, evalsPerStep, extraEvals, func(shift float64, n int) (scheduler.Sampler[[]float64], error) {
		return diffusion.NewSolver[[]float64](ops, solver, n, shift, 0)
	}}
}

// DefaultFlowSolvers are the solvers of the model benchmark by default:
// all but ref-heun (the reference's own method).
func DefaultFlowSolvers() []string {
	names := FlowSolverNames()
	return names[:len(names)-1]
}

// FlowSolverNames returns the model benchmark's solver names in order.
func FlowSolverNames() []string {
	out := make([]string, len(FlowSolvers))
	for i, s := range FlowSolvers {
		out[i] = s.Name
	}
	return out
}

// LookupFlowSolver returns the flow solver called name.
func LookupFlowSolver(name string) (FlowSolver, error) {
	for _, s := range FlowSolvers {
		if s.Name == name {
			return s, nil
		}
	}
	return FlowSolver{}, fmt.Errorf("unknown solver %q for a flow model (have %s)", name, strings.Join(FlowSolverNames(), ", "))
}

// FlowShift resolves a schedule name of the model benchmark to a flow
// shift: "normal" is the model's own shift, "shiftX" the shift X (such as
// shift1 for the unshifted schedule, shift6).
func FlowShift(name string, model float64) (float64, error) {
	if name == "normal" {
		return model, nil
	}
	if v, ok := strings.CutPrefix(name, "shift"); ok {
		s, err := strconv.ParseFloat(v, 64)
		if err == nil && s > 0 && s < 1e6 {
			return s, nil
		}
	}
	return 0, fmt.Errorf("unknown schedule %q for a flow model (have normal, the checkpoint's shift, or shiftX such as shift1, shift6)", name)
}

// refHeun is Heun's method on SPEC.md's grid diffusion.Sigmas(n, shift)
// with the corrector on every step, the last one included: the velocity
// is evaluated at s = 0 too (a flow model's velocity is defined there), so
// no step is first order and the error is O(h²) to the end (diffusers'
// Heun makes its last step, to 0, an Euler step). 2n evaluations. It is
// RunModel's reference solver.
type refHeun struct{ sigmas []float64 }

func newRefHeun(shift float64, n int) (*refHeun, error) {
	if n < 1 {
		return nil, fmt.Errorf("ref-heun: %d steps, need at least 1", n)
	}
	return &refHeun{diffusion.Sigmas(n, shift)}, nil
}

// Timesteps returns 1000·s of the 2n evaluations (s_i, s_{i+1} per step).
func (s *refHeun) Timesteps() []float64 {
	var ts []float64
	for i := range len(s.sigmas) - 1 {
		ts = append(ts, 1000*s.sigmas[i], 1000*s.sigmas[i+1])
	}
	return ts
}

// Sigmas returns s_0 = 1 .. s_n = 0.
func (s *refHeun) Sigmas() []float64 { return s.sigmas }

// InitNoiseSigma is 1.
func (s *refHeun) InitNoiseSigma() float64 { return 1 }

// Sample runs x_p = x + h·v(x, s_i), x ← x + h/2·(v(x, s_i) + v(x_p, s_{i+1})).
func (s *refHeun) Sample(model scheduler.Model[[]float64], x []float64) error {
	v1, v2, xp := make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
	cond := func(step int, sg float64) scheduler.Cond {
		return scheduler.Cond{Step: step, Timestep: 1000 * sg, Alpha: 1 - sg, Sigma: sg}
	}
	for i := range len(s.sigmas) - 1 {
		s0, s1 := s.sigmas[i], s.sigmas[i+1]
		h := s1 - s0
		if err := model(v1, x, cond(2*i, s0)); err != nil {
			return err
		}
		for j := range x {
			xp[j] = x[j] + h*v1[j]
		}
		if err := model(v2, xp, cond(2*i+1, s1)); err != nil {
			return err
		}
		for j := range x {
			x[j] += h / 2 * (v1[j] + v2[j])
		}
	}
	return nil
}
