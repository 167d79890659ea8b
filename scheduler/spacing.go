package scheduler

import (
	"fmt"
	"math"
)

// Spacing selects how inference timesteps are placed on the training grid
// (Lin et al. 2023, table 2).
type Spacing string

// Timestep spacings.
const (
	// Linspace spreads the steps evenly over [0, N-1] including both ends.
	Linspace Spacing = "linspace"
	// Leading takes multiples of N/n from 0 and adds StepsOffset.
	Leading Spacing = "leading"
	// Trailing takes round(N - k*N/n) - 1, so it always starts at N-1.
	Trailing Spacing = "trailing"
)

// SigmaTimesteps returns the n descending (possibly fractional) timesteps
// used by the sigma-space schedulers (diffusers Euler, Heun, Euler
// ancestral, LMS), as float32 values:
//
//	linspace: linspace(0, N-1, n) in float32
//	leading:  round(k*(N/n)) + offset, k = n-1..0 (N/n integer division)
//	trailing: round(arange(N, 0, -N/n)) - 1
func SigmaTimesteps(sp Spacing, numTrain, n, offset int) ([]float64, error) {
	var ts []float64
	switch sp {
	case Linspace, "":
		ts = reversed(linspace(0, float64(numTrain-1), n))
	case Leading:
		ratio := numTrain / n
		ts = make([]float64, n)
		for k := range ts {
			ts[k] = float64(float32(math.RoundToEven(float64((n-1-k)*ratio))) + float32(offset))
		}
	case Trailing:
		ts = arange(float64(numTrain), 0, -float64(numTrain)/float64(n))
		for k := range ts {
			ts[k] = float64(float32(math.RoundToEven(ts[k])) - 1)
		}
	default:
		return nil, fmt.Errorf("scheduler: unknown timestep spacing %q", sp)
	}
	for i := range ts {
		ts[i] = f32(ts[i])
	}
	return ts, nil
}

// IntTimesteps returns the n descending integer timesteps of diffusers' DDIM,
// DDPM and PNDM schedulers:
//
//	linspace: round(linspace(0, N-1, n))
//	leading:  k*(N/n) + offset, k = n-1..0 (integer division)
//	trailing: round(arange(N, 0, -N/n)) - 1
func IntTimesteps(sp Spacing, numTrain, n, offset int) ([]float64, error) {
	var ts []float64
	switch sp {
	case Linspace:
		ts = reversed(linspace(0, float64(numTrain-1), n))
		for i := range ts {
			ts[i] = math.RoundToEven(ts[i])
		}
	case Leading, "":
		ratio := numTrain / n
		ts = make([]float64, n)
		for k := range ts {
			ts[k] = float64((n-1-k)*ratio + offset)
		}
	case Trailing:
		ts = arange(float64(numTrain), 0, -float64(numTrain)/float64(n))
		for k := range ts {
			ts[k] = math.RoundToEven(ts[k]) - 1
		}
	default:
		return nil, fmt.Errorf("scheduler: unknown timestep spacing %q", sp)
	}
	return ts, nil
}

// MultistepTimesteps returns the n descending integer timesteps of diffusers'
// multistep solvers (DPM-Solver, UniPC, DEIS), which space n+1 points and
// drop the last:
//
//	linspace: round(linspace(0, last-1, n+1))[::-1][:-1]
//	leading:  (k*(last/(n+1)))[::-1][:-1] + offset, k = 0..n
//	trailing: round(arange(last, 0, -N/n)) - 1
//
// last is N unless a lambda clip shortens it.
func MultistepTimesteps(sp Spacing, numTrain, last, n, offset int) ([]float64, error) {
	var ts []float64
	switch sp {
	case Linspace, "":
		g := linspace(0, float64(last-1), n+1)
		ts = make([]float64, n)
		for k := range ts {
			ts[k] = math.RoundToEven(g[n-k])
		}
	case Leading:
		ratio := last / (n + 1)
		ts = make([]float64, n)
		for k := range ts {
			ts[k] = float64((n-k)*ratio + offset)
		}
	case Trailing:
		ts = arange(float64(last), 0, -float64(numTrain)/float64(n))
		for k := range ts {
			ts[k] = math.RoundToEven(ts[k]) - 1
		}
	default:
		return nil, fmt.Errorf("scheduler: unknown timestep spacing %q", sp)
	}
	return ts, nil
}
