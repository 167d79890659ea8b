package scheduler

import (
	"fmt"
	"math"
)

// DPMSingleConfig configures DPMSolverSingle.
type DPMSingleConfig struct {
	MConfig           // Spacing is ignored: diffusers always uses linspace
	Order         int // 1, 2 (default) or 3
	Heun          bool
	LowerOrderOff bool // disable lower_order_final (forced on with a final sigma of 0)
}

// DPMSolverSingle is single-step DPM-Solver++ (Lu et al. 2022), diffusers'
// DPMSolverSinglestepScheduler with algorithm_type "dpmsolver++": the grid
// is cut into blocks of 1-3 steps (get_order_list); inside a block of order
// k every intermediate point is evaluated once and the block end is reached
// from the block's starting sample with the order-k formula.
type DPMSolverSingle[T any] struct {
	ops       Ops[T]
	c         DPMSingleConfig
	pred      Prediction
	timesteps []float64
	sigmas    []float64
	orders    []int
}

// NewDPMSolverSingle builds the solver with n steps.
func NewDPMSolverSingle[T any](ops Ops[T], c DPMSingleConfig, n int) (*DPMSolverSingle[T], error) {
	if c.Order == 0 {
		c.Order = 2
	}
	if c.Order < 1 || c.Order > 3 {
		return nil, fmt.Errorf("scheduler: DPM-Solver single-step order %d not in 1..3", c.Order)
	}
	c.Spacing = Linspace
	ts, sig, err := mSchedule(c.MConfig, n, true, false)
	if err != nil {
		return nil, err
	}
	lof := !c.LowerOrderOff || !c.FinalSigmaMin || n%c.Order != 0
	return &DPMSolverSingle[T]{ops: ops, c: c, pred: predOr(c.Prediction, Epsilon), timesteps: ts, sigmas: sig,
		orders: singleOrders(n, c.Order, lof, !c.FinalSigmaMin)}, nil
}

// singleOrders is diffusers' get_order_list.
func singleOrders(steps, order int, lowerOrderFinal, zeroFinal bool) []int {
	rep := func(pat []int, k int) []int {
		var out []int
		for i := 0; i < k; i++ {
			out = append(out, pat...)
		}
		return out
	}
	var o []int
	switch {
	case order == 1:
		o = rep([]int{1}, steps)
	case !lowerOrderFinal && order == 3:
		o = rep([]int{1, 2, 3}, steps/3)
	case !lowerOrderFinal:
		o = rep([]int{1, 2}, steps/2)
	case order == 3 && steps%3 == 0:
		o = append(rep([]int{1, 2, 3}, steps/3-1), 1, 2, 1)
	case order == 3 && steps%3 == 1:
		o = append(rep([]int{1, 2, 3}, steps/3), 1)
	case order == 3:
		o = append(rep([]int{1, 2, 3}, steps/3), 1, 2)
	case steps%2 == 0:
		o = append(rep([]int{1, 2}, steps/2-1), 1, 1)
	default:
		o = append(rep([]int{1, 2}, steps/2), 1)
	}
	if zeroFinal && len(o) > 0 {
		o[len(o)-1] = 1
	}
	return o
}

// Timesteps returns the integer model timesteps.
func (s *DPMSolverSingle[T]) Timesteps() []float64 { return s.timesteps }

// Sigmas returns the VE sigmas including the final one.
func (s *DPMSolverSingle[T]) Sigmas() []float64 { return s.sigmas }

// InitNoiseSigma is 1.
func (s *DPMSolverSingle[T]) InitNoiseSigma() float64 { return 1 }

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *DPMSolverSingle[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	out, xs := ops.New(x), ops.New(x)
	ms := make([]T, 0, s.c.Order)
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
		order := min(s.orders[i], len(ms))
		if order == 1 {
			ops.Copy(xs, x)
		}
		s.update(x, xs, ms, i, order)
	}
	return nil
}

func (s *DPMSolverSingle[T]) update(x, xs T, ms []T, i, order int) {
	at, st, lt := lambdaOf(s.sigmas[i+1], s.c.Flow)
	_, sb, lb := lambdaOf(s.sigmas[i+1-order], s.c.Flow) // block start
	h := lt - lb
	A := -at * (math.Exp(-h) - 1)
	c1 := at * ((math.Exp(-h)-1)/h + 1)
	k := len(ms)
	switch order {
	case 1:
		s.ops.AXPBY(x, st/sb, xs, A, ms[k-1])
	case 2:
		_, _, l0 := lambdaOf(s.sigmas[i], s.c.Flow)
		r0 := (l0 - lb) / h
		m0, m1 := ms[k-1], ms[k-2]
		// D0 = m1, D1 = (m0 - m1)/r0
		cD1 := 0.5 * A
		if s.c.Heun {
			cD1 = c1
		}
		s.ops.LinComb(x, []float64{st / sb, A - cD1/r0, cD1 / r0}, []T{xs, m1, m0})
	case 3:
		_, _, l0 := lambdaOf(s.sigmas[i], s.c.Flow)
		_, _, l1 := lambdaOf(s.sigmas[i-1], s.c.Flow)
		r0, r1 := (l0-lb)/h, (l1-lb)/h
		m0, m1, m2 := ms[k-1], ms[k-2], ms[k-3]
		// Coefficients of (m2, m1, m0) in D1_0 = (m1-m2)/r1, D1_1 = (m0-m2)/r0.
		d10 := [3]float64{-1 / r1, 1 / r1, 0}
		d11 := [3]float64{-1 / r0, 0, 1 / r0}
		var cm [3]float64
		if s.c.Heun {
			c2 := -at * ((math.Exp(-h)-1+h)/(h*h) - 0.5)
			for j := range cm {
				d1 := (r0*d10[j] - r1*d11[j]) / (r0 - r1)
				d2 := 2 * (d11[j] - d10[j]) / (r0 - r1)
				cm[j] = c1*d1 + c2*d2
			}
		} else {
			for j := range cm {
				cm[j] = c1 * d11[j]
			}
		}
		cm[0] += A
		s.ops.LinComb(x, []float64{st / sb, cm[0], cm[1], cm[2]}, []T{xs, m2, m1, m0})
	}
}
