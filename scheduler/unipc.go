package scheduler

import (
	"fmt"
	"math"
)

// UniPCConfig configures UniPC.
type UniPCConfig struct {
	MConfig
	Order int // 1, 2 (default) or 3
	// BH1 selects B(h) = h ("bh1"); the default is B(h) = e^h - 1 ("bh2").
	// diffusers' bh1 produces NaN on a final sigma of 0; use FinalSigmaMin.
	BH1 bool
	// NoLowerOrderFinal disables the reduced order on the last steps.
	NoLowerOrderFinal bool
	// DisableCorrector lists step indices whose following corrector is
	// skipped (diffusers' disable_corrector).
	DisableCorrector []int
}

// UniPC is the unified predictor-corrector multistep solver of Zhao et al.
// (2023) in data prediction, diffusers' UniPCMultistepScheduler with
// predict_x0: at every step after the first the fresh model evaluation first
// corrects the current sample (UniC), then the predictor UniP of order p
// advances it using the last p x0 estimates.
type UniPC[T any] struct {
	ops       Ops[T]
	c         UniPCConfig
	pred      Prediction
	timesteps []float64
	sigmas    []float64
}

// NewUniPC builds the solver with n steps.
func NewUniPC[T any](ops Ops[T], c UniPCConfig, n int) (*UniPC[T], error) {
	if c.Order == 0 {
		c.Order = 2
	}
	if c.Order < 1 || c.Order > 3 {
		return nil, fmt.Errorf("scheduler: UniPC order %d not in 1..3", c.Order)
	}
	ts, sig, err := mSchedule(c.MConfig, n, true, true)
	if err != nil {
		return nil, err
	}
	return &UniPC[T]{ops: ops, c: c, pred: predOr(c.Prediction, Epsilon), timesteps: ts, sigmas: sig}, nil
}

// Timesteps returns the integer model timesteps.
func (s *UniPC[T]) Timesteps() []float64 { return s.timesteps }

// Sigmas returns the VE sigmas including the final one.
func (s *UniPC[T]) Sigmas() []float64 { return s.sigmas }

// InitNoiseSigma is 1 (VP space).
func (s *UniPC[T]) InitNoiseSigma() float64 { return 1 }

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *UniPC[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	n := len(s.timesteps)
	out, m, last := ops.New(x), ops.New(x), ops.New(x)
	ms := make([]T, 0, s.c.Order)
	lowerNums, thisOrder := 0, 0
	disabled := map[int]bool{}
	for _, d := range s.c.DisableCorrector {
		disabled[d] = true
	}
	for i, t := range s.timesteps {
		a, b, _ := lambdaOf(s.sigmas[i], s.c.Flow)
		if err := model(out, x, Cond{Step: i, Timestep: t, Alpha: a, Sigma: b}); err != nil {
			return fmt.Errorf("model step %d (t=%g): %w", i, t, err)
		}
		denoise(ops, m, s.pred, out, x, a, b)
		if i > 0 && !disabled[i-1] {
			s.correct(x, last, m, ms, i, thisOrder)
		}
		// Push m as the newest x0 estimate, recycling the oldest buffer.
		var slot T
		if len(ms) == s.c.Order {
			slot = ms[0]
			ms = append(ms[:0], ms[1:]...)
		} else {
			slot = ops.New(x)
		}
		ops.Copy(slot, m)
		ms = append(ms, slot)
		thisOrder = s.c.Order
		if !s.c.NoLowerOrderFinal {
			thisOrder = min(s.c.Order, n-i)
		}
		thisOrder = min(thisOrder, lowerNums+1)
		ops.Copy(last, x)
		s.predict(x, ms, i, thisOrder)
		if lowerNums < s.c.Order {
			lowerNums++
		}
	}
	return nil
}

// coeffs returns h*phi_1(h) (with hh = -h), B(h) and the right-hand side b
// and matrix R of UniPC's order conditions for the ratios rks.
func (s *UniPC[T]) coeffs(h float64, rks []float64) (hPhi1, Bh float64, R [][]float64, b []float64) {
	hh := -h
	hPhi1 = math.Expm1(hh)
	hPhiK := hPhi1/hh - 1
	fact := 1.0
	if s.c.BH1 {
		Bh = hh
	} else {
		Bh = math.Expm1(hh)
	}
	order := len(rks)
	for i := 1; i <= order; i++ {
		row := make([]float64, order)
		for j, r := range rks {
			row[j] = math.Pow(r, float64(i-1))
		}
		R = append(R, row)
		b = append(b, hPhiK*fact/Bh)
		fact *= float64(i + 1)
		hPhiK = hPhiK/hh - 1/fact
	}
	return hPhi1, Bh, R, b
}

// predict is UniP-bh of the given order from step i to i+1; x is the
// current (corrected) sample, ms[len-1] its x0 estimate.
func (s *UniPC[T]) predict(x T, ms []T, i, order int) {
	at, st, lt := lambdaOf(s.sigmas[i+1], s.c.Flow)
	_, s0, l0 := lambdaOf(s.sigmas[i], s.c.Flow)
	h := lt - l0
	k := len(ms)
	m0 := ms[k-1]
	rks := make([]float64, 0, order)
	for j := 1; j < order; j++ {
		_, _, lj := lambdaOf(s.sigmas[i-j], s.c.Flow)
		rks = append(rks, (lj-l0)/h)
	}
	rks = append(rks, 1)
	hPhi1, Bh, R, b := s.coeffs(h, rks)
	coef := []float64{st / s0, -at * hPhi1}
	xs := []T{x, m0}
	if order >= 2 {
		var rho []float64
		if order == 2 {
			rho = []float64{0.5}
		} else {
			Rs := [][]float64{R[0][:order-1], R[1][:order-1]}
			rho = solveSmall(Rs, b[:order-1])
		}
		// pred_res = sum_j rho_j (m_j - m0)/r_j
		for j := 1; j < order; j++ {
			w := -at * Bh * rho[j-1] / rks[j-1]
			coef = append(coef, w)
			coef[1] -= w
			xs = append(xs, ms[k-1-j])
		}
	}
	s.ops.LinComb(x, coef, xs)
}

// correct is UniC-bh: it refines x (the prediction for step i, made from
// last at step i-1) with the fresh estimate mt at step i. ms holds the x0
// estimates up to step i-1.
func (s *UniPC[T]) correct(x, last, mt T, ms []T, i, order int) {
	at, st, lt := lambdaOf(s.sigmas[i], s.c.Flow)
	_, s0, l0 := lambdaOf(s.sigmas[i-1], s.c.Flow)
	h := lt - l0
	k := len(ms)
	m0 := ms[k-1]
	rks := make([]float64, 0, order)
	for j := 1; j < order; j++ {
		_, _, lj := lambdaOf(s.sigmas[i-1-j], s.c.Flow)
		rks = append(rks, (lj-l0)/h)
	}
	rks = append(rks, 1)
	hPhi1, Bh, R, b := s.coeffs(h, rks)
	var rho []float64
	if order == 1 {
		rho = []float64{0.5}
	} else {
		rho = solveSmall(R, b)
	}
	coef := []float64{st / s0, -at * hPhi1}
	xs := []T{last, m0}
	for j := 1; j < order; j++ {
		w := -at * Bh * rho[j-1] / rks[j-1]
		coef = append(coef, w)
		coef[1] -= w
		xs = append(xs, ms[k-1-j])
	}
	wt := -at * Bh * rho[order-1]
	coef = append(coef, wt)
	coef[1] -= wt
	xs = append(xs, mt)
	s.ops.LinComb(x, coef, xs)
}
