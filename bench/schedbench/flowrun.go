package schedbench

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/lockstep-av/lockstep/scheduler"
)

// DefaultRefSteps is the number of Heun steps of a flow model's reference
// solution (400 model evaluations).
const DefaultRefSteps = 200

// ModelConfig selects the grid of RunModel.
type ModelConfig struct {
	Solvers   []string // default DefaultFlowSolvers()
	Schedules []string // default ["normal"]; see FlowShift
	NFE       []int    // default DefaultNFE
	Seeds     int      // initial noises (seeds 0..Seeds-1), default 4
	// RefSteps is the number of steps of the reference: Heun on the
	// model's shifted schedule down to s = 0 (the "ref-heun" solver at
	// 2·RefSteps evaluations). Default DefaultRefSteps.
	RefSteps int
	// CheckRef also solves each seed with RefSteps/2 Heun steps and
	// reports the difference (ModelRefCheck): the reference's own error is
	// about a quarter of it (Heun is second order).
	CheckRef bool
	// Decode also compares the decoded signals (the Model must be a
	// Decoder): Record.Decoded.
	Decode bool
	// Progress, when not nil, receives one line per reference and per
	// solver and schedule.
	Progress func(line string)
}

func (c ModelConfig) withDefaults() ModelConfig {
	if c.Solvers == nil {
		c.Solvers = DefaultFlowSolvers()
	}
	if c.Schedules == nil {
		c.Schedules = []string{"normal"}
	}
	if c.NFE == nil {
		c.NFE = DefaultNFE
	}
	if c.Seeds == 0 {
		c.Seeds = 4
	}
	if c.RefSteps == 0 {
		c.RefSteps = DefaultRefSteps
	}
	return c
}

// ModelRefCheck compares the references with half-step ones (CheckRef).
type ModelRefCheck struct {
	Seeds int `json:"seeds"`
	// MaxRMSDiff is the largest RMS latent difference between the
	// RefSteps and the RefSteps/2 Heun solutions over the seeds.
	MaxRMSDiff float64 `json:"max_rms_diff"`
}

// gridRun is one solver and schedule of the grid.
type gridRun struct {
	s     FlowSolver
	sched string
	shift float64
}

// plan resolves the grid against m.
func (c ModelConfig) plan(m Model) ([]gridRun, error) {
	var grid []gridRun
	for _, name := range c.Solvers {
		s, err := LookupFlowSolver(name)
		if err != nil {
			return nil, err
		}
		for _, sn := range c.Schedules {
			sh, err := FlowShift(sn, m.Shift())
			if err != nil {
				return nil, err
			}
			grid = append(grid, gridRun{s, sn, sh})
		}
	}
	for _, n := range c.NFE {
		if n < 2 {
			return nil, fmt.Errorf("NFE %d: need at least 2", n)
		}
	}
	if c.Seeds < 1 || c.RefSteps < 2 {
		return nil, fmt.Errorf("need at least 1 seed and 2 reference steps (have %d, %d)", c.Seeds, c.RefSteps)
	}
	return grid, nil
}

// Evaluations returns the model evaluations RunModel(m, c) will make: in
// the solver runs and in the references (each evaluation of a guided
// model is two network passes).
func (c ModelConfig) Evaluations(m Model) (runs, refs int, err error) {
	c = c.withDefaults()
	grid, err := c.plan(m)
	if err != nil {
		return 0, 0, err
	}
	for _, g := range grid {
		for _, nfe := range c.NFE {
			sp, err := g.s.New(g.shift, g.s.Steps(nfe))
			if err != nil {
				return 0, 0, fmt.Errorf("%s/%s at %d NFE: %w", g.s.Name, g.sched, nfe, err)
			}
			runs += len(sp.Timesteps()) * c.Seeds
		}
	}
	refs = 2 * c.RefSteps * c.Seeds
	if c.CheckRef {
		refs += 2 * (c.RefSteps / 2) * c.Seeds
	}
	return runs, refs, nil
}

// seedRef is the reference of one seed.
type seedRef struct {
	noise   []float64
	v       scheduler.Model[[]float64]
	label   string
	x       []float64
	decoded map[string][]float64
}

// RunModel runs the grid on the flow model m: for every solver, schedule,
// NFE and seed it samples from the seed's noise and compares the final
// latents (and, with c.Decode, the decoded signals) with the seed's
// reference, a c.RefSteps-step Heun solution of the same ODE. Records come
// in the order solver, schedule, NFE, seed; RMSError is over the whole
// latent vector, PartRMSError per part.
func RunModel(m Model, c ModelConfig) ([]Record, ModelRefCheck, error) {
	c = c.withDefaults()
	var check ModelRefCheck
	grid, err := c.plan(m)
	if err != nil {
		return nil, check, err
	}
	dec, _ := m.(Decoder)
	if c.Decode && dec == nil {
		return nil, check, fmt.Errorf("model %s has no decoder", m.Name())
	}
	progress := func(format string, args ...any) {
		if c.Progress != nil {
			c.Progress(fmt.Sprintf(format, args...))
		}
	}
	runEvals, _, err := c.Evaluations(m)
	if err != nil {
		return nil, check, err
	}

	refs := make([]*seedRef, c.Seeds)
	var perEval time.Duration
	for seed := range refs {
		noise, v, label, err := m.Seed(uint64(seed))
		if err != nil {
			return nil, check, fmt.Errorf("seed %d: %w", seed, err)
		}
		r := &seedRef{noise: noise, v: v, label: label}
		t0 := time.Now()
		r.x, err = heunReference(v, noise, m.Shift(), c.RefSteps)
		if err != nil {
			return nil, check, fmt.Errorf("seed %d: reference: %w", seed, err)
		}
		el := time.Since(t0)
		perEval = el / time.Duration(2*c.RefSteps)
		if c.CheckRef {
			half, err := heunReference(v, noise, m.Shift(), c.RefSteps/2)
			if err != nil {
				return nil, check, fmt.Errorf("seed %d: half-step reference: %w", seed, err)
			}
			d, _ := errors(half, r.x)
			check.Seeds++
			check.MaxRMSDiff = math.Max(check.MaxRMSDiff, d)
		}
		if c.Decode {
			if r.decoded, err = dec.Decode(r.x); err != nil {
				return nil, check, fmt.Errorf("seed %d: decode reference: %w", seed, err)
			}
		}
		refs[seed] = r
		progress("reference seed %d %q: %d Heun steps in %.1fs (%.3gs per evaluation); the runs will make %d evaluations, about %v",
			seed, label, c.RefSteps, el.Seconds(), perEval.Seconds(), runEvals, (perEval * time.Duration(runEvals)).Round(time.Second))
	}

	var recs []Record
	for _, g := range grid {
		t0 := time.Now()
		for _, nfe := range c.NFE {
			steps := g.s.Steps(nfe)
			for seed, r := range refs {
				rec, x, err := runFlow(g.s, g.shift, steps, r.noise, r.v)
				if err != nil {
					return nil, check, fmt.Errorf("%s/%s at %d NFE, seed %d: %w", g.s.Name, g.sched, nfe, seed, err)
				}
				rec.Model, rec.Schedule, rec.NFE, rec.Seed, rec.Caption = m.Name(), g.sched, nfe, uint64(seed), r.label
				rec.RMSError, rec.MaxError = errors(x, r.x)
				rec.PartRMSError = map[string]float64{}
				for _, p := range m.Parts() {
					rec.PartRMSError[p.Name], _ = errors(x[p.Start:p.End], r.x[p.Start:p.End])
				}
				if c.Decode {
					d, err := dec.Decode(x)
					if err != nil {
						return nil, check, fmt.Errorf("%s/%s at %d NFE, seed %d: decode: %w", g.s.Name, g.sched, nfe, seed, err)
					}
					rec.Decoded = map[string]float64{}
					for _, name := range slices.Sorted(maps.Keys(d)) {
						want := r.decoded[name]
						if len(want) != len(d[name]) {
							return nil, check, fmt.Errorf("decoded %s: %d values, reference %d", name, len(d[name]), len(want))
						}
						rec.Decoded[name+"_rms"], _ = errors(d[name], want)
					}
				}
				recs = append(recs, rec)
			}
		}
		progress("%s/%s: %d NFE budgets x %d seeds in %.1fs", g.s.Name, g.sched, len(c.NFE), c.Seeds, time.Since(t0).Seconds())
	}
	return recs, check, nil
}

// heunReference solves the flow ODE of v from the unit noise with
// ref-heun, steps steps, on the given shift.
func heunReference(v scheduler.Model[[]float64], noise []float64, shift float64, steps int) ([]float64, error) {
	sp, err := newRefHeun(shift, steps)
	if err != nil {
		return nil, err
	}
	x := slices.Clone(noise)
	if err := sp.Sample(v, x); err != nil {
		return nil, err
	}
	return x, nil
}

// runFlow samples one seed with a fresh solver and times every model
// evaluation plus the solver work up to the next one.
func runFlow(s FlowSolver, shift float64, steps int, noise []float64, v scheduler.Model[[]float64]) (Record, []float64, error) {
	sp, err := s.New(shift, steps)
	if err != nil {
		return Record{}, nil, err
	}
	x := slices.Clone(noise) // Sample scales it by InitNoiseSigma (1 for flow solvers)
	var lat []float64
	evals, err := sampleTimed(sp, v, x, &lat)
	if err != nil {
		return Record{}, nil, err
	}
	rec := Record{Solver: s.Name, Evals: evals, Steps: steps, SigmaMax: sp.Sigmas()[0], Shift: shift, StepLatencyNs: median(lat)}
	return rec, x, nil
}
