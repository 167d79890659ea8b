package schedbench

import (
	"github.com/lockstep-av/lockstep/scheduler"
	"github.com/lockstep-av/lockstep/scheduler/gmm"
)

// StepError is the error of a solver's state where the model is evaluated.
type StepError struct {
	Sigma    float64 // VE sigma of the evaluation (0 for the final sample)
	RMSError float64 // RMS difference from the reference at Sigma
}

// Trajectory runs one gmm sample (seed, a batch of one vector) and returns,
// for every model evaluation and for the final sample, the RMS difference
// between the solver's state (converted to VE space) and the reference flow
// from the same start integrated to that sigma: where along the path a
// solver picks up its error.
func Trajectory(s Solver, kind scheduler.SigmaKind, steps int, seed uint64) ([]StepError, error) {
	sp, err := s.New(kind, steps)
	if err != nil {
		return nil, err
	}
	smax := sp.Sigmas()[0]
	z := Noise(seed, gmm.D)
	start := make([]float64, gmm.D)
	for i := range z {
		start[i] = z[i] * smax
	}
	x := make([]float64, gmm.D)
	scale := smax / sp.InitNoiseSigma()
	if s.Space == VP {
		a, _ := scheduler.VPFromSigma(smax)
		scale *= a
	}
	for i := range z {
		x[i] = z[i] * scale
	}
	den := VEDenoiser(gmm.Model(scheduler.Sample))
	model := gmm.Model(scheduler.Epsilon)
	var out []StepError
	xv, ref := make([]float64, gmm.D), make([]float64, gmm.D)
	wrap := func(o, xIn []float64, c scheduler.Cond) error {
		sigma := c.Sigma / c.Alpha
		copy(ref, start)
		Integrate(den, ref, smax, sigma, RefConfig{})
		for i := range xv {
			xv[i] = xIn[i] / c.Alpha // model input a*x_ve for both spaces
		}
		r, _ := errors(xv, ref)
		out = append(out, StepError{sigma, r})
		return model(o, xIn, c)
	}
	if err := sp.Sample(wrap, x); err != nil {
		return nil, err
	}
	copy(ref, start)
	Reference(den, ref, smax, RefConfig{})
	r, _ := errors(x, ref)
	return append(out, StepError{0, r}), nil
}
