package schedbench

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/lockstep-av/lockstep/scheduler"
	"github.com/lockstep-av/lockstep/scheduler/gmm"
)

// DefaultNFE is the default grid of model-evaluation budgets.
var DefaultNFE = []int{4, 6, 8, 10, 15, 20, 30, 50}

// Config selects the benchmark grid.
type Config struct {
	Solvers   []string // default SolverNames()
	Schedules []string // default ScheduleNames()
	NFE       []int    // default DefaultNFE
	Seeds     int      // initial noises (seeds 0..Seeds-1), default 32
	Batch     int      // gmm vectors per seed, default 1
	Ref       RefConfig
	// Timing repeats each run this many times and keeps the per-step
	// latencies of all repeats (default 1).
	Timing int
}

func (c Config) withDefaults() Config {
	if c.Solvers == nil {
		c.Solvers = SolverNames()
	}
	if c.Schedules == nil {
		c.Schedules = ScheduleNames()
	}
	if c.NFE == nil {
		c.NFE = DefaultNFE
	}
	if c.Seeds == 0 {
		c.Seeds = 32
	}
	if c.Batch == 0 {
		c.Batch = 1
	}
	if c.Timing == 0 {
		c.Timing = 1
	}
	return c
}

// Record is the result of one run: one solver, schedule, NFE and seed.
type Record struct {
	Model    string `json:"model"`
	Solver   string `json:"solver"`
	Schedule string `json:"schedule"`
	NFE      int    `json:"nfe"`   // requested budget
	Evals    int    `json:"evals"` // model evaluations actually made (<= NFE)
	Steps    int    `json:"steps"` // solver steps
	Seed     uint64 `json:"seed"`
	// RMSError and MaxError compare the final sample with the reference
	// solution of the probability-flow ODE from the same initial noise.
	RMSError float64 `json:"rms_error"`
	MaxError float64 `json:"max_error"`
	// StepLatencyNs is the median wall time of one model evaluation plus
	// the solver work up to the next one, in nanoseconds.
	StepLatencyNs float64 `json:"step_latency_ns"`
	SigmaMax      float64 `json:"sigma_max"` // VE sigma of the initial noise
	// Noise is the unit initial noise z (the VE start is z*SigmaMax) and
	// Sample the final sample, for gmm.
	Noise  []float64 `json:"noise,omitempty"`
	Sample []float64 `json:"sample,omitempty"`

	// Flow models (RunModel) only: the schedule's shift, the seed's
	// condition (the demo model's caption), the RMS latent error per part
	// ("video", "audio") and, with decoding, the RMS error of each decoded
	// signal ("video_rms": pixels in [-1, 1], 8-bit frames as written;
	// "audio_rms": samples in [-1, 1]).
	Shift        float64            `json:"shift,omitempty"`
	Caption      string             `json:"caption,omitempty"`
	PartRMSError map[string]float64 `json:"part_rms_error,omitempty"`
	Decoded      map[string]float64 `json:"decoded,omitempty"`
}

// RefCheck reports how well the reference solutions converged: the largest
// difference between the reference and a second one at 100x tighter
// tolerance, over all seeds and starting sigmas.
type RefCheck struct {
	MaxDiff  float64 `json:"max_diff"`
	Evals    int     `json:"evals"` // model evaluations of the main references
	Solution int     `json:"solutions"`
}

// Noise returns the unit initial noise of a seed: RNG stream 0 of the seed.
func Noise(seed uint64, n int) []float64 {
	return scheduler.NewRNG(seed, 0).Normals(make([]float64, n))
}

// Run runs the gmm benchmark grid and returns one record per run, in the
// order solver, schedule, NFE, seed.
func Run(c Config) ([]Record, RefCheck, error) {
	c = c.withDefaults()
	var check RefCheck
	type solverSched struct {
		s     Solver
		sched string
		kind  scheduler.SigmaKind
	}
	var grid []solverSched
	for _, name := range c.Solvers {
		s, err := LookupSolver(name)
		if err != nil {
			return nil, check, err
		}
		for _, sn := range c.Schedules {
			k, err := lookupSchedule(sn)
			if err != nil {
				return nil, check, err
			}
			grid = append(grid, solverSched{s, sn, k})
		}
	}
	for _, n := range c.NFE {
		if n < 2 {
			return nil, check, fmt.Errorf("NFE %d: need at least 2", n)
		}
	}
	n := c.Batch * gmm.D
	den := VEDenoiser(gmm.Model(scheduler.Sample))
	tight := c.Ref.withDefaults()
	tight.RTol /= 100
	tight.ATol /= 100
	refs := map[[2]float64][]float64{} // (seed, sigma_max) -> solution
	reference := func(seed uint64, smax float64) []float64 {
		key := [2]float64{float64(seed), smax}
		if r, ok := refs[key]; ok {
			return r
		}
		z := Noise(seed, n)
		r, r2 := make([]float64, n), make([]float64, n)
		for i := range z {
			r[i] = z[i] * smax
			r2[i] = r[i]
		}
		st := Reference(den, r, smax, c.Ref)
		Reference(den, r2, smax, tight)
		check.Evals += st.Evals
		check.Solution++
		for i := range r {
			check.MaxDiff = math.Max(check.MaxDiff, math.Abs(r[i]-r2[i]))
		}
		refs[key] = r
		return r
	}
	model := gmm.Model(scheduler.Epsilon)
	var recs []Record
	for _, g := range grid {
		for _, nfe := range c.NFE {
			steps := g.s.Steps(nfe)
			for seed := uint64(0); seed < uint64(c.Seeds); seed++ {
				rec, err := runOne(g.s, g.kind, steps, seed, n, model, c.Timing)
				if err != nil {
					return nil, check, fmt.Errorf("%s/%s at %d NFE: %w", g.s.Name, g.sched, nfe, err)
				}
				rec.Schedule, rec.NFE = g.sched, nfe
				ref := reference(seed, rec.SigmaMax)
				rec.RMSError, rec.MaxError = errors(rec.Sample, ref)
				recs = append(recs, rec)
			}
		}
	}
	return recs, check, nil
}

// runOne samples one seed with a fresh solver; the first of timing
// repeats gives the sample.
func runOne(s Solver, kind scheduler.SigmaKind, steps int, seed uint64, n int, model scheduler.Model[[]float64], timing int) (Record, error) {
	z := Noise(seed, n)
	var lat []float64
	var rec Record
	for rep := 0; rep < timing; rep++ {
		sp, err := s.New(kind, steps)
		if err != nil {
			return rec, err
		}
		smax := sp.Sigmas()[0]
		x := make([]float64, n)
		// Every solver starts from the VE state z*smax.
		scale := smax / sp.InitNoiseSigma()
		if s.Space == VP {
			a, _ := scheduler.VPFromSigma(smax)
			scale *= a
		}
		for i := range z {
			x[i] = z[i] * scale
		}
		evals, err := sampleTimed(sp, model, x, &lat)
		if err != nil {
			return rec, err
		}
		if rep == 0 {
			rec = Record{Model: "gmm", Solver: s.Name, Evals: evals, Steps: steps, Seed: seed, SigmaMax: smax, Noise: z, Sample: x}
		}
	}
	rec.StepLatencyNs = median(lat)
	return rec, nil
}

// sampleTimed runs sp on x with model, appending to lat the time from each
// model evaluation to the next one (the last up to the end of sampling):
// one step's evaluation plus the solver's own work. It returns the number
// of evaluations.
func sampleTimed(sp scheduler.Sampler[[]float64], model scheduler.Model[[]float64], x []float64, lat *[]float64) (int, error) {
	evals := 0
	var last time.Time
	timed := func(out, xIn []float64, c scheduler.Cond) error {
		now := time.Now()
		if evals > 0 {
			*lat = append(*lat, float64(now.Sub(last).Nanoseconds()))
		}
		evals++
		last = now
		return model(out, xIn, c)
	}
	if err := sp.Sample(timed, x); err != nil {
		return evals, err
	}
	if evals > 0 {
		*lat = append(*lat, float64(time.Since(last).Nanoseconds()))
	}
	return evals, nil
}

// errors returns the RMS and max abs difference of a and b.
func errors(a, b []float64) (rms, mx float64) {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
		mx = math.Max(mx, math.Abs(d))
	}
	return math.Sqrt(s / float64(len(a))), mx
}

// median returns the median of v (the mean of the middle two for even
// lengths), NaN for an empty slice. v is not modified.
func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
