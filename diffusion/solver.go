package diffusion

import (
	"fmt"
	"strings"

	"github.com/lockstep-av/lockstep/scheduler"
)

// DefaultSolver is the demo model's own sampler: Euler on SPEC.md's
// schedule.
const DefaultSolver = "euler"

// solverSpec names a flow-matching solver of NewSolver.
type solverSpec struct {
	name string
	help string
}

// solvers lists every flow-capable solver of package scheduler, by name.
var solvers = []solverSpec{
	{"euler", "Euler on SPEC.md's schedule s_i = shift·t/(1+(shift-1)·t), t_i = 1 - i/N (the demo model's; default)"},
	{"flow-euler", "diffusers FlowMatchEulerDiscreteScheduler (its own sigma grid)"},
	{"flow-heun", "diffusers FlowMatchHeunDiscreteScheduler (2n-1 model evaluations)"},
	{"dpmpp-2m", "DPM-Solver++ 2M with flow sigmas"},
	{"dpmpp-3m", "DPM-Solver++ 3M with flow sigmas"},
	{"dpmpp-2m-sde", "DPM-Solver++ 2M SDE with flow sigmas (noise from RNG stream 1 of the seed)"},
	{"dpm-2s", "single-step DPM-Solver++ order 2 with flow sigmas"},
	{"unipc-2", "UniPC bh2 order 2 with flow sigmas"},
	{"unipc-3", "UniPC bh2 order 3 with flow sigmas"},
}

// flowM is the multistep solvers' flow-sigma configuration: the model
// predicts the velocity of x = (1-s)·x0 + s·ε.
func flowM(shift float64) scheduler.MConfig {
	return scheduler.MConfig{Flow: true, FlowShift: shift, Prediction: scheduler.Velocity}
}

// NewSolver builds the flow-matching solver called name (one of
// SolverNames; "" is DefaultSolver) for steps steps and a flow shift, over
// any latent type with scheduler ops: backend tensors in the pipeline,
// []float64 in the scheduler benchmark. seed drives the SDE solvers' noise.
func NewSolver[T any](ops scheduler.Ops[T], name string, steps int, shift float64, seed uint64) (scheduler.Sampler[T], error) {
	if name == "" {
		name = DefaultSolver
	}
	flow := scheduler.FlowConfig{Shift: shift}
	switch name {
	case "euler":
		return NewSpecEuler(ops, steps, shift)
	case "flow-euler":
		return scheduler.NewFlowEuler(ops, flow, steps)
	case "flow-heun":
		return scheduler.NewFlowHeun(ops, flow, steps)
	case "dpmpp-2m":
		return scheduler.NewDPMSolverPP(ops, scheduler.DPMConfig{MConfig: flowM(shift), Order: 2}, steps)
	case "dpmpp-3m":
		return scheduler.NewDPMSolverPP(ops, scheduler.DPMConfig{MConfig: flowM(shift), Order: 3}, steps)
	case "dpmpp-2m-sde":
		return scheduler.NewDPMSolverPP(ops, scheduler.DPMConfig{MConfig: flowM(shift), Order: 2, SDE: true, Seed: seed}, steps)
	case "dpm-2s":
		return scheduler.NewDPMSolverSingle(ops, scheduler.DPMSingleConfig{MConfig: flowM(shift), Order: 2}, steps)
	case "unipc-2":
		return scheduler.NewUniPC(ops, scheduler.UniPCConfig{MConfig: flowM(shift), Order: 2}, steps)
	case "unipc-3":
		return scheduler.NewUniPC(ops, scheduler.UniPCConfig{MConfig: flowM(shift), Order: 3}, steps)
	}
	return nil, fmt.Errorf("unknown solver %q (have %s)", name, strings.Join(SolverNames(), ", "))
}

// SolverNames returns the solver names Options.Solver accepts.
func SolverNames() []string {
	out := make([]string, len(solvers))
	for i, s := range solvers {
		out[i] = s.name
	}
	return out
}

// SolverHelp returns a one-line description of each solver, by name.
func SolverHelp() map[string]string {
	m := make(map[string]string, len(solvers))
	for _, s := range solvers {
		m[s.name] = s.help
	}
	return m
}

func lookupSolver(name string) (solverSpec, error) {
	if name == "" {
		name = DefaultSolver
	}
	for _, s := range solvers {
		if s.name == name {
			return s, nil
		}
	}
	return solverSpec{}, fmt.Errorf("unknown solver %q (have %s)", name, strings.Join(SolverNames(), ", "))
}

// Sigmas returns SPEC.md's schedule for n steps: t_i = 1 - i/n,
// s_i = shift·t_i/(1 + (shift-1)·t_i), i = 0..n (s_0 = 1, s_n = 0).
func Sigmas(n int, shift float64) []float64 {
	s := make([]float64, n+1)
	for i := range s {
		t := 1 - float64(i)/float64(n)
		s[i] = shift * t / (1 + (shift-1)*t)
	}
	return s
}

// SpecEuler is the rectified-flow Euler solver on SPEC.md's schedule,
// x ← x + (s_{i+1} - s_i)·v(x, s_i), over any latent type with scheduler
// ops: backend tensors in the pipeline, []float64 in the scheduler
// benchmark.
type SpecEuler[T any] struct {
	ops    scheduler.Ops[T]
	sigmas []float64
}

// NewSpecEuler returns SPEC.md's Euler for n steps on Sigmas(n, shift).
func NewSpecEuler[T any](ops scheduler.Ops[T], n int, shift float64) (*SpecEuler[T], error) {
	if n < 1 {
		return nil, fmt.Errorf("euler: %d steps, need at least 1", n)
	}
	return &SpecEuler[T]{ops: ops, sigmas: Sigmas(n, shift)}, nil
}

// Timesteps returns 1000·s_i for the n model evaluations.
func (s *SpecEuler[T]) Timesteps() []float64 {
	ts := make([]float64, len(s.sigmas)-1)
	for i := range ts {
		ts[i] = 1000 * s.sigmas[i]
	}
	return ts
}

// Sigmas returns s_0..s_n.
func (s *SpecEuler[T]) Sigmas() []float64 { return s.sigmas }

// InitNoiseSigma is 1.
func (s *SpecEuler[T]) InitNoiseSigma() float64 { return 1 }

// Sample runs the loop in place on x.
func (s *SpecEuler[T]) Sample(model scheduler.Model[T], x T) error {
	v := s.ops.New(x)
	for i := range len(s.sigmas) - 1 {
		sg := s.sigmas[i]
		if err := model(v, x, scheduler.Cond{Step: i, Timestep: 1000 * sg, Alpha: 1 - sg, Sigma: sg}); err != nil {
			return err
		}
		s.ops.AXPBY(x, 1, x, s.sigmas[i+1]-sg, v)
	}
	return nil
}
