package scheduler

import "math"

// DPMSolverPP2SAncestral is DPM-Solver++(2S) with ancestral noise, the
// "dpmpp_2s_ancestral" sampler of k-diffusion (diffusers has no
// equivalent, so it has no parity fixture): per step s -> s' it splits s'
// into sigma_down and sigma_up = min(s', eta*sqrt(s'^2 (s^2 - s'^2)/s^2)),
// takes a two-stage exponential-integrator step from s to sigma_down with
// the midpoint in log sigma,
//
//	x_2 = (s_mid/s) x - expm1(-h/2) D(x, s),  x = (sigma_down/s) x - expm1(-h) D(x_2, s_mid),
//	h = log(s/sigma_down), s_mid = sqrt(s*sigma_down),
//
// (an Euler step when sigma_down = 0) and adds sigma_up*z. Eta = 0 gives
// the deterministic DPM-Solver++(2S). It runs on the KSchedule sigmas in VE
// space; 2 model evaluations per step except the last.
type DPMSolverPP2SAncestral[T any] struct {
	Euler[T]
	eta       float64
	seed      uint64
	logSigmas []float64 // training table, to give the midpoint a timestep
}

// NewDPMSolverPP2SAncestral builds the sampler with n steps, noise scale
// eta (k-diffusion default 1) and noise seed seed (RNG stream 1).
func NewDPMSolverPP2SAncestral[T any](ops Ops[T], c KConfig, n int, eta float64, seed uint64) (*DPMSolverPP2SAncestral[T], error) {
	c.Float32Sample = false
	e, err := NewEuler(ops, c, n)
	if err != nil {
		return nil, err
	}
	vp, err := NewVP(c.VP)
	if err != nil {
		return nil, err
	}
	return &DPMSolverPP2SAncestral[T]{Euler: *e, eta: eta, seed: seed, logSigmas: LogSigmas(vp.Sigmas())}, nil
}

// Sample runs the loop; x holds unit noise on entry and the sample on exit.
func (s *DPMSolverPP2SAncestral[T]) Sample(model Model[T], x T) error {
	ops := s.ops
	rng := NewRNG(s.seed, 1)
	ops.Scale(x, s.InitNoiseSigma(), x)
	x0, out, xIn, x2, z := ops.New(x), ops.New(x), ops.New(x), ops.New(x), ops.New(x)
	step := 0
	eval := func(at T, sigma, t float64) error {
		scale, a, b := kScale(sigma)
		err := evalX0(ops, model, s.pred, x0, out, xIn, at, scale, Cond{Step: step, Timestep: t, Alpha: a, Sigma: b})
		step++
		return err
	}
	for i, t := range s.timesteps {
		sigma, next := s.sigmas[i], s.sigmas[i+1]
		if err := eval(x, sigma, t); err != nil {
			return err
		}
		up := math.Min(next, s.eta*math.Sqrt(next*next*(sigma*sigma-next*next)/(sigma*sigma)))
		down := math.Sqrt(next*next - up*up)
		if down == 0 {
			ops.Copy(x, x0) // Euler step to sigma = 0
		} else {
			h := math.Log(sigma / down)
			mid := math.Sqrt(sigma * down)
			ops.AXPBY(x2, mid/sigma, x, -math.Expm1(-h/2), x0)
			if err := eval(x2, mid, SigmaToT(mid, s.logSigmas)); err != nil {
				return err
			}
			ops.AXPBY(x, down/sigma, x, -math.Expm1(-h), x0)
		}
		if next > 0 && up > 0 {
			ops.Normal(z, rng)
			ops.AXPBY(x, 1, x, up, z)
		}
	}
	return nil
}
