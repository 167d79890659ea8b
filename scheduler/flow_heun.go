package scheduler

import "fmt"

// FlowHeun is Heun's method on the rectified-flow ODE, diffusers'
// FlowMatchHeunDiscreteScheduler: per interval an Euler predictor and a
// trapezoidal corrector, with a plain Euler step into sigma = 0, so n steps
// cost 2n-1 model evaluations. Only the static shift is supported.
type FlowHeun[T any] struct {
	ops       Ops[T]
	timesteps []float64 // per interval
	sigmas    []float64
}

// NewFlowHeun builds the solver with n intervals.
func NewFlowHeun[T any](ops Ops[T], c FlowConfig, n int) (*FlowHeun[T], error) {
	if c.Dynamic {
		return nil, fmt.Errorf("scheduler: flow Heun supports only a static shift")
	}
	if err := checkSteps(n); err != nil {
		return nil, err
	}
	sig, ts := FlowSchedule(c, n)
	return &FlowHeun[T]{ops: ops, timesteps: ts, sigmas: sig}, nil
}

// Timesteps returns the timesteps of the 2n-1 model evaluations.
func (s *FlowHeun[T]) Timesteps() []float64 {
	out := []float64{s.timesteps[0]}
	for _, t := range s.timesteps[1:] {
		out = append(out, t, t)
	}
	return out
}

// Sigmas returns diffusers' interleaved layout (inner sigmas twice).
func (s *FlowHeun[T]) Sigmas() []float64 {
	n := len(s.sigmas)
	out := []float64{s.sigmas[0]}
	for _, v := range s.sigmas[1 : n-1] {
		out = append(out, v, v)
	}
	return append(out, s.sigmas[n-1])
}

// InitNoiseSigma is 1.
func (s *FlowHeun[T]) InitNoiseSigma() float64 { return 1 }

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *FlowHeun[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	v1, v2, xs := ops.New(x), ops.New(x), ops.New(x)
	ts := s.Timesteps()
	step := 0
	for i := 0; i+1 < len(s.sigmas); i++ {
		sg, next := s.sigmas[i], s.sigmas[i+1]
		if err := model(v1, x, Cond{Step: step, Timestep: ts[step], Alpha: 1 - sg, Sigma: sg}); err != nil {
			return fmt.Errorf("model step %d: %w", step, err)
		}
		step++
		dt := next - sg
		if next == 0 {
			ops.AXPBY(x, 1, x, dt, v1)
			continue
		}
		ops.Copy(xs, x)
		ops.AXPBY(x, 1, x, dt, v1)
		if err := model(v2, x, Cond{Step: step, Timestep: ts[step], Alpha: 1 - next, Sigma: next}); err != nil {
			return fmt.Errorf("model step %d: %w", step, err)
		}
		step++
		ops.LinComb(x, []float64{1, dt / 2, dt / 2}, []T{xs, v1, v2})
	}
	return nil
}
