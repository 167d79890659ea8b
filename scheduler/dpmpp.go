package scheduler

import (
	"fmt"
	"math"
)

// DPMConfig configures DPMSolverPP.
type DPMConfig struct {
	MConfig
	Order int // 1, 2 (default) or 3
	// Heun selects the "heun" second-order update instead of "midpoint".
	Heun bool
	// SDE selects DPM-Solver++ SDE ("sde-dpmsolver++"): noise is drawn from
	// RNG stream 1 of Seed at every step.
	SDE  bool
	Seed uint64
	// NoLowerOrderFinal disables diffusers' lower_order_final (lower orders
	// on the last steps when there are fewer than 15). With a final sigma of
	// 0 the last step is first order regardless.
	NoLowerOrderFinal bool
	// EulerAtFinal forces a first-order last step.
	EulerAtFinal bool
}

// DPMSolverPP is DPM-Solver++ multistep (Lu et al. 2022) in data
// prediction, diffusers' DPMSolverMultistepScheduler with algorithm_type
// "dpmsolver++" (or "sde-dpmsolver++"). With h = lambda_t - lambda_s and
// D0 = x0 estimate at s, the first-order step is
//
//	x_t = (sigma_t/sigma_s) x_s - alpha_t (e^-h - 1) D0
//
// and orders 2 and 3 add finite-difference corrections from the previous
// x0 estimates.
type DPMSolverPP[T any] struct {
	ops       Ops[T]
	c         DPMConfig
	pred      Prediction
	timesteps []float64
	sigmas    []float64
}

// NewDPMSolverPP builds the solver with n steps.
func NewDPMSolverPP[T any](ops Ops[T], c DPMConfig, n int) (*DPMSolverPP[T], error) {
	if c.Order == 0 {
		c.Order = 2
	}
	if c.Order < 1 || c.Order > 3 {
		return nil, fmt.Errorf("scheduler: DPM-Solver++ order %d not in 1..3", c.Order)
	}
	ts, sig, err := mSchedule(c.MConfig, n, c.VP.Schedule != BetaCosine, false)
	if err != nil {
		return nil, err
	}
	return &DPMSolverPP[T]{ops: ops, c: c, pred: predOr(c.Prediction, Epsilon), timesteps: ts, sigmas: sig}, nil
}

// Timesteps returns the integer model timesteps.
func (s *DPMSolverPP[T]) Timesteps() []float64 { return s.timesteps }

// Sigmas returns the VE sigmas including the final one.
func (s *DPMSolverPP[T]) Sigmas() []float64 { return s.sigmas }

// InitNoiseSigma is 1 (VP space).
func (s *DPMSolverPP[T]) InitNoiseSigma() float64 { return 1 }

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *DPMSolverPP[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	n := len(s.timesteps)
	out := ops.New(x)
	var z T
	var rng *RNG
	if s.c.SDE {
		z = ops.New(x)
		rng = NewRNG(s.c.Seed, 1)
	}
	ms := make([]T, 0, s.c.Order) // x0 estimates, newest last
	lowerNums := 0
	for i, t := range s.timesteps {
		a, b, _ := lambdaOf(s.sigmas[i], s.c.Flow)
		if err := model(out, x, Cond{Step: i, Timestep: t, Alpha: a, Sigma: b}); err != nil {
			return fmt.Errorf("model step %d (t=%g): %w", i, t, err)
		}
		var m T
		if len(ms) == s.c.Order {
			m = ms[0]
			ms = append(ms[:0], ms[1:]...)
		} else {
			m = ops.New(x)
		}
		denoise(ops, m, s.pred, out, x, a, b)
		ms = append(ms, m)
		if s.c.SDE {
			ops.Normal(z, rng)
		}
		lowFinal := i == n-1 && (s.c.EulerAtFinal || (!s.c.NoLowerOrderFinal && n < 15) || !s.c.FinalSigmaMin)
		lowSecond := i == n-2 && !s.c.NoLowerOrderFinal && n < 15
		order := 3
		switch {
		case s.c.Order == 1 || lowerNums < 1 || lowFinal:
			order = 1
		case s.c.Order == 2 || lowerNums < 2 || lowSecond:
			order = 2
		}
		s.update(x, ms, z, i, order)
		if lowerNums < s.c.Order {
			lowerNums++
		}
	}
	return nil
}

// update applies one DPM-Solver++ step of the given order in place.
func (s *DPMSolverPP[T]) update(x T, ms []T, z T, i, order int) {
	at, st, lt := lambdaOf(s.sigmas[i+1], s.c.Flow)
	_, ss0, l0 := lambdaOf(s.sigmas[i], s.c.Flow)
	h := lt - l0
	k := len(ms)
	m0 := ms[k-1]
	cx := st / ss0
	var e, cn float64 // e: -(e^-h - 1) (ODE) or 1 - e^-2h (SDE)
	if s.c.SDE {
		cx *= math.Exp(-h)
		e = 1 - math.Exp(-2*h)
		cn = st * math.Sqrt(e)
	} else {
		e = -(math.Exp(-h) - 1)
	}
	A := at * e
	coef := []float64{cx, A}
	xs := []T{x, m0}
	switch order {
	case 2:
		m1 := ms[k-2]
		_, _, l1 := lambdaOf(s.sigmas[i-1], s.c.Flow)
		r0 := (l0 - l1) / h
		// c1 multiplies D1 = (m0 - m1)/r0.
		var c1 float64
		switch {
		case !s.c.Heun:
			c1 = 0.5 * A
		case s.c.SDE:
			c1 = at * ((1-math.Exp(-2*h))/(-2*h) + 1)
		default:
			c1 = at * ((math.Exp(-h)-1)/h + 1)
		}
		coef = []float64{cx, A + c1/r0, -c1 / r0}
		xs = []T{x, m0, m1}
	case 3:
		m1, m2 := ms[k-2], ms[k-3]
		_, _, l1 := lambdaOf(s.sigmas[i-1], s.c.Flow)
		_, _, l2 := lambdaOf(s.sigmas[i-2], s.c.Flow)
		r0, r1 := (l0-l1)/h, (l1-l2)/h
		var c1, c2 float64
		if s.c.SDE {
			c1 = at * ((1-math.Exp(-2*h))/(-2*h) + 1)
			c2 = at * ((1-math.Exp(-2*h)-2*h)/((2*h)*(2*h)) - 0.5)
		} else {
			c1 = at * ((math.Exp(-h)-1)/h + 1)
			c2 = -at * ((math.Exp(-h)-1+h)/(h*h) - 0.5)
		}
		// D1_0 = (m0-m1)/r0, D1_1 = (m1-m2)/r1,
		// D1 = D1_0 + r0/(r0+r1)(D1_0-D1_1), D2 = (D1_0-D1_1)/(r0+r1).
		// Coefficients of m0, m1, m2 in D1_0 and D1_1:
		p := r0 / (r0 + r1)
		q := 1 / (r0 + r1)
		d10 := [3]float64{1 / r0, -1 / r0, 0}
		d11 := [3]float64{0, 1 / r1, -1 / r1}
		var cm [3]float64
		for j := range cm {
			d1 := d10[j] + p*(d10[j]-d11[j])
			d2 := q * (d10[j] - d11[j])
			cm[j] = c1*d1 + c2*d2
		}
		cm[0] += A
		coef = []float64{cx, cm[0], cm[1], cm[2]}
		xs = []T{x, m0, m1, m2}
	}
	if s.c.SDE {
		coef = append(coef, cn)
		xs = append(xs, z)
	}
	s.ops.LinComb(x, coef, xs)
}
