package scheduler

import "fmt"

// FlowEuler is the Euler solver of the rectified-flow ODE dx/dsigma = v,
// diffusers' FlowMatchEulerDiscreteScheduler (deterministic):
// x_{i+1} = x_i + (sigma_{i+1} - sigma_i) v(x_i, sigma_i). The model sees
// x itself (a = 1-sigma, b = sigma) and must predict Velocity.
type FlowEuler[T any] struct {
	ops       Ops[T]
	timesteps []float64
	sigmas    []float64
}

// NewFlowEuler builds the solver with n steps.
func NewFlowEuler[T any](ops Ops[T], c FlowConfig, n int) (*FlowEuler[T], error) {
	if err := checkSteps(n); err != nil {
		return nil, err
	}
	sig, ts := FlowSchedule(c, n)
	return &FlowEuler[T]{ops: ops, timesteps: ts, sigmas: sig}, nil
}

// Timesteps returns sigma*N per step.
func (s *FlowEuler[T]) Timesteps() []float64 { return s.timesteps }

// Sigmas returns the flow sigmas including the final 0.
func (s *FlowEuler[T]) Sigmas() []float64 { return s.sigmas }

// InitNoiseSigma is 1.
func (s *FlowEuler[T]) InitNoiseSigma() float64 { return 1 }

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *FlowEuler[T]) Sample(model Model[T], x T) error {
	v := s.ops.New(x)
	for i, t := range s.timesteps {
		sg := s.sigmas[i]
		if err := model(v, x, Cond{Step: i, Timestep: t, Alpha: 1 - sg, Sigma: sg}); err != nil {
			return fmt.Errorf("model step %d (t=%g): %w", i, t, err)
		}
		s.ops.AXPBY(x, 1, x, s.sigmas[i+1]-sg, v)
	}
	return nil
}
