package scheduler

import (
	"fmt"
	"math"
)

// DEISConfig configures DEIS.
type DEISConfig struct {
	MConfig
	Order             int // 1, 2 (default) or 3
	NoLowerOrderFinal bool
}

// DEIS is the diffusion exponential integrator sampler of Zhang & Chen
// (2023), diffusers' DEISMultistepScheduler ("deis"/"logrho"): a multistep
// method on the noise prediction whose coefficients integrate the Lagrange
// polynomial through the last 1-3 eps estimates exactly in log rho, rho =
// sigma/alpha. diffusers ends DEIS at the smallest training sigma (not 0);
// MConfig.FinalSigmaMin is implied.
type DEIS[T any] struct {
	ops       Ops[T]
	c         DEISConfig
	pred      Prediction
	timesteps []float64
	sigmas    []float64
}

// NewDEIS builds the solver with n steps.
func NewDEIS[T any](ops Ops[T], c DEISConfig, n int) (*DEIS[T], error) {
	if c.Order == 0 {
		c.Order = 2
	}
	if c.Order < 1 || c.Order > 3 {
		return nil, fmt.Errorf("scheduler: DEIS order %d not in 1..3", c.Order)
	}
	if c.Flow {
		return nil, fmt.Errorf("scheduler: DEIS with flow sigmas is not implemented")
	}
	c.FinalSigmaMin = true
	ts, sig, err := mSchedule(c.MConfig, n, true, true)
	if err != nil {
		return nil, err
	}
	return &DEIS[T]{ops: ops, c: c, pred: predOr(c.Prediction, Epsilon), timesteps: ts, sigmas: sig}, nil
}

// Timesteps returns the integer model timesteps.
func (s *DEIS[T]) Timesteps() []float64 { return s.timesteps }

// Sigmas returns the VE sigmas including the final one.
func (s *DEIS[T]) Sigmas() []float64 { return s.sigmas }

// InitNoiseSigma is 1.
func (s *DEIS[T]) InitNoiseSigma() float64 { return 1 }

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *DEIS[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	n := len(s.timesteps)
	out, x0 := ops.New(x), ops.New(x)
	es := make([]T, 0, s.c.Order)
	lowerNums := 0
	for i, t := range s.timesteps {
		a, b := VPFromSigma(s.sigmas[i])
		if err := model(out, x, Cond{Step: i, Timestep: t, Alpha: a, Sigma: b}); err != nil {
			return fmt.Errorf("model step %d (t=%g): %w", i, t, err)
		}
		var e T
		if len(es) == s.c.Order {
			e = es[0]
			es = append(es[:0], es[1:]...)
		} else {
			e = ops.New(x)
		}
		noiseOf(ops, e, x0, s.pred, out, x, a, b)
		es = append(es, e)
		lowFinal := i == n-1 && !s.c.NoLowerOrderFinal && n < 15
		lowSecond := i == n-2 && !s.c.NoLowerOrderFinal && n < 15
		order := 3
		switch {
		case s.c.Order == 1 || lowerNums < 1 || lowFinal:
			order = 1
		case s.c.Order == 2 || lowerNums < 2 || lowSecond:
			order = 2
		}
		s.update(x, es, i, order)
		if lowerNums < s.c.Order {
			lowerNums++
		}
	}
	return nil
}

// deisInd2 is the antiderivative of the first-order Lagrange basis in
// log rho: t(log t - log c - 1)/(log b - log c).
func deisInd2(t, b, c float64) float64 {
	return t * (-math.Log(c) + math.Log(t) - 1) / (math.Log(b) - math.Log(c))
}

// deisInd3 is the antiderivative of the second-order Lagrange basis.
func deisInd3(t, b, c, d float64) float64 {
	lt, lc, ld, lb := math.Log(t), math.Log(c), math.Log(d), math.Log(b)
	num := t * (lc*(ld-lt+1) - ld*lt + ld + lt*lt - 2*lt + 2)
	return num / ((lb - lc) * (lb - ld))
}

func (s *DEIS[T]) update(x T, es []T, i, order int) {
	at, st := VPFromSigma(s.sigmas[i+1])
	a0, s0 := VPFromSigma(s.sigmas[i])
	k := len(es)
	switch order {
	case 1:
		h := (math.Log(at) - math.Log(st)) - (math.Log(a0) - math.Log(s0))
		s.ops.AXPBY(x, at/a0, x, -st*math.Expm1(h), es[k-1])
	case 2:
		a1, s1 := VPFromSigma(s.sigmas[i-1])
		rt, r0, r1 := st/at, s0/a0, s1/a1
		c1 := deisInd2(rt, r0, r1) - deisInd2(r0, r0, r1)
		c2 := deisInd2(rt, r1, r0) - deisInd2(r0, r1, r0)
		s.ops.LinComb(x, []float64{at / a0, at * c1, at * c2}, []T{x, es[k-1], es[k-2]})
	case 3:
		a1, s1 := VPFromSigma(s.sigmas[i-1])
		a2, s2 := VPFromSigma(s.sigmas[i-2])
		rt, r0, r1, r2 := st/at, s0/a0, s1/a1, s2/a2
		c1 := deisInd3(rt, r0, r1, r2) - deisInd3(r0, r0, r1, r2)
		c2 := deisInd3(rt, r1, r2, r0) - deisInd3(r0, r1, r2, r0)
		c3 := deisInd3(rt, r2, r0, r1) - deisInd3(r0, r2, r0, r1)
		s.ops.LinComb(x, []float64{at / a0, at * c1, at * c2, at * c3}, []T{x, es[k-1], es[k-2], es[k-3]})
	}
}
