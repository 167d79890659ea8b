package scheduler

import (
	"fmt"
	"math"
)

// IPNDM is the improved pseudo-numerical (fourth-order Adams-Bashforth)
// sampler of Zhang & Chen (2023) in the angular parameterisation of
// crowsonkb's v-diffusion, diffusers' IPNDMScheduler: with
// sigma_i = sin^2(pi/2 * u_i), u_i = 1 - i/n, alpha_i = sqrt(1 - sigma_i^2)
// and the v prediction, eps_i = sigma_i x + alpha_i v, the multistep
// combination e of the last 1-4 eps (coefficients 1; 3/2,-1/2;
// 23/12,-16/12,5/12; 55/24,-59/24,37/24,-9/24) gives
//
//	x_{i+1} = alpha_{i+1} (x - sigma_i e)/alpha_i + sigma_{i+1} e.
//
// The model sees x with (a, b) = (alpha_i, sigma_i) and must predict V.
// Schedule values are float32 like diffusers; torch computes sin/atan2
// with SLEEF, so they may differ from diffusers in the last ulps.
type IPNDM[T any] struct {
	ops       Ops[T]
	alphas    []float64 // n+1
	sigmas    []float64 // n+1
	timesteps []float64
}

// NewIPNDM builds the sampler with n steps.
func NewIPNDM[T any](ops Ops[T], n int) (*IPNDM[T], error) {
	if n < 1 {
		return nil, fmt.Errorf("scheduler: iPNDM needs at least 1 step")
	}
	u := linspace32(1, 0, n+1)
	u[n] = 0
	s := &IPNDM[T]{ops: ops, alphas: make([]float64, n+1), sigmas: make([]float64, n+1), timesteps: make([]float64, n)}
	for i, v := range u {
		arg := float32(v) * float32(math.Pi/2)
		sn := float32(math.Sin(float64(arg)))
		b := sn * sn
		a := float32(math.Sqrt(float64(1 - b*b)))
		s.sigmas[i], s.alphas[i] = float64(b), float64(a)
		if i < n {
			at := float32(math.Atan2(float64(b), float64(a)))
			s.timesteps[i] = float64(at / float32(math.Pi) * 2)
		}
	}
	return s, nil
}

// Timesteps returns the angular timesteps in [0, 1].
func (s *IPNDM[T]) Timesteps() []float64 { return s.timesteps }

// Sigmas returns the noise coefficients sigma_i (diffusers' "betas").
func (s *IPNDM[T]) Sigmas() []float64 { return s.sigmas }

// InitNoiseSigma is 1.
func (s *IPNDM[T]) InitNoiseSigma() float64 { return 1 }

var ipndmCoef = [][]float64{{1}, {1.5, -0.5}, {23.0 / 12, -16.0 / 12, 5.0 / 12}, {55.0 / 24, -59.0 / 24, 37.0 / 24, -9.0 / 24}}

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *IPNDM[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	out, e := ops.New(x), ops.New(x)
	var ets []T
	for i, t := range s.timesteps {
		a, b := s.alphas[i], s.sigmas[i]
		if err := model(out, x, Cond{Step: i, Timestep: t, Alpha: a, Sigma: b}); err != nil {
			return fmt.Errorf("model step %d (t=%g): %w", i, t, err)
		}
		var slot T
		if len(ets) == 4 {
			slot = ets[0]
			ets = append(ets[:0], ets[1:]...)
		} else {
			slot = ops.New(x)
		}
		ops.AXPBY(slot, b, x, a, out)
		ets = append(ets, slot)
		c := ipndmCoef[len(ets)-1]
		xs := make([]T, len(c))
		for j := range c {
			xs[j] = ets[len(ets)-1-j]
		}
		ops.LinComb(e, c, xs)
		na, nb := s.alphas[i+1], s.sigmas[i+1]
		// x = na*(x - b*e)/max(a, 1e-8) + nb*e
		am := math.Max(a, 1e-8)
		ops.AXPBY(x, na/am, x, nb-na*b/am, e)
	}
	return nil
}
