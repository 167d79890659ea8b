package schedbench

import (
	"github.com/lockstep-av/lockstep/scheduler"
	"github.com/lockstep-av/lockstep/scheduler/gmm"
)

// GMMFlow is the gmm toy model (scheduler/gmm) as a flow-matching Model:
// Batch 16-dimensional vectors noised as x = (1-s)·x0 + s·ε, with the
// exact velocity ε - E[x0|x]. It runs RunModel's harness (the one of the
// demo model) in milliseconds against an exact model, which is how that
// harness is tested, and `lockstep bench schedulers --model gmm-flow`.
type GMMFlow struct {
	Batch     int     // vectors per seed (default 1)
	FlowShift float64 // flow shift of the "normal" schedule (default 3, the demo model's)
}

// Name is "gmm-flow".
func (g GMMFlow) Name() string { return "gmm-flow" }

func (g GMMFlow) n() int { return max(g.Batch, 1) * gmm.D }

// Parts is one part, "x".
func (g GMMFlow) Parts() []Part { return []Part{{"x", 0, g.n()}} }

// Shift returns the flow shift of the "normal" schedule.
func (g GMMFlow) Shift() float64 {
	if g.FlowShift == 0 {
		return 3
	}
	return g.FlowShift
}

// Seed returns Noise(seed, n) and the exact velocity model. The velocity
// at s = 0, where gmm's formula divides 0 by 0, is its limit, taken at
// s = 1e-9.
func (g GMMFlow) Seed(seed uint64) ([]float64, scheduler.Model[[]float64], string, error) {
	v := func(out, x []float64, c scheduler.Cond) error {
		s := max(c.Sigma, 1e-9)
		gmm.Predict(out, x, 1-s, s, scheduler.Velocity)
		return nil
	}
	return Noise(seed, g.n()), v, "", nil
}
