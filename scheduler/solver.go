package scheduler

import "fmt"

// Cond describes one model evaluation: the model input is
// x_in = Alpha*x0 + Sigma*eps, and Timestep is the (possibly fractional)
// timestep a network conditioned on discrete time would receive.
type Cond struct {
	Step     int     // 0-based model evaluation index
	Timestep float64 // the timestep diffusers would pass to the network
	Alpha    float64 // a of x_in = a*x0 + b*eps
	Sigma    float64 // b of x_in = a*x0 + b*eps
}

// Model evaluates a denoiser at x_in and writes its native prediction (the
// Prediction the solver is configured with) into out.
type Model[T any] func(out, xIn T, c Cond) error

// Sampler is a configured solver that runs a complete sampling loop.
type Sampler[T any] interface {
	// Timesteps returns the timesteps of the model evaluations, in order.
	Timesteps() []float64
	// Sigmas returns the solver's noise-level grid (its own convention:
	// VE sigmas for diffusion solvers, flow sigmas for flow solvers),
	// including the final level.
	Sigmas() []float64
	// InitNoiseSigma is the factor the initial unit noise is scaled by.
	InitNoiseSigma() float64
	// Sample scales the unit noise x by InitNoiseSigma, runs every step and
	// leaves the final sample in x.
	Sample(model Model[T], x T) error
}

// checkSteps rejects step counts below 1.
func checkSteps(n int) error {
	if n < 1 {
		return fmt.Errorf("scheduler: %d inference steps, need at least 1", n)
	}
	return nil
}

// denoise writes the x0 estimate implied by prediction p at x_in = a*x0 +
// b*eps into dst.
func denoise[T any](ops Ops[T], dst T, pred Prediction, p, xIn T, a, b float64) {
	switch pred {
	case Epsilon:
		ops.AXPBY(dst, 1/a, xIn, -b/a, p)
	case V:
		n := a*a + b*b
		ops.AXPBY(dst, a/n, xIn, -b/n, p)
	case Velocity:
		ops.AXPBY(dst, 1, xIn, -b, p)
	case Sample:
		ops.Copy(dst, p)
	default:
		panic(fmt.Sprintf("scheduler: unknown prediction %q", pred))
	}
}

// noiseOf writes the eps estimate implied by prediction p at x_in into dst,
// using x0 as scratch for the data estimate.
func noiseOf[T any](ops Ops[T], dst, x0 T, pred Prediction, p, xIn T, a, b float64) {
	if pred == Epsilon {
		ops.Copy(dst, p)
		denoise(ops, x0, pred, p, xIn, a, b)
		return
	}
	denoise(ops, x0, pred, p, xIn, a, b)
	ops.AXPBY(dst, 1/b, xIn, -a/b, x0)
}

// evalX0 evaluates the model at x_in = scale*x and writes the x0 estimate.
func evalX0[T any](ops Ops[T], model Model[T], pred Prediction, x0, out, xIn, x T, scale float64, c Cond) error {
	ops.Scale(xIn, scale, x)
	if err := model(out, xIn, c); err != nil {
		return fmt.Errorf("model step %d (t=%g): %w", c.Step, c.Timestep, err)
	}
	denoise(ops, x0, pred, out, xIn, c.Alpha, c.Sigma)
	return nil
}
