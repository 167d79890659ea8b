package scheduler

import (
	"fmt"
	"math"
)

// Prediction names what a denoiser outputs.
type Prediction string

// Prediction types.
const (
	// Epsilon: the noise eps.
	Epsilon Prediction = "epsilon"
	// V: v = a*eps - b*x0 (Salimans & Ho 2022), for VP noising.
	V Prediction = "v_prediction"
	// Velocity: the flow-matching velocity dx/dsigma = eps - x0 for
	// x = (1-sigma)*x0 + sigma*eps.
	Velocity Prediction = "flow"
	// Sample: x0 itself.
	Sample Prediction = "sample"
)

// Noising names a family of forward processes x = a*x0 + b*eps.
type Noising string

// Noising families.
const (
	// VPNoising: a = sqrt(abar), b = sqrt(1-abar), a^2 + b^2 = 1.
	VPNoising Noising = "vp"
	// VENoising: a = 1, b = sigma.
	VENoising Noising = "ve"
	// FlowNoising (rectified flow): a = 1 - sigma, b = sigma.
	FlowNoising Noising = "flow"
)

// Coefficients returns (a, b) of x = a*x0 + b*eps for a noise level: for VP
// the level is alphabar, for VE and flow it is sigma.
func Coefficients(n Noising, level float64) (a, b float64) {
	switch n {
	case VPNoising:
		return math.Sqrt(level), math.Sqrt(1 - level)
	case VENoising:
		return 1, level
	case FlowNoising:
		return 1 - level, level
	}
	panic(fmt.Sprintf("scheduler: unknown noising %q", n))
}

// VPFromSigma returns the VP coefficients (a, b) = (1/sqrt(1+s^2),
// s/sqrt(1+s^2)) of a VE noise level s: x_vp = a*x_ve.
func VPFromSigma(s float64) (a, b float64) {
	a = 1 / math.Sqrt(1+s*s)
	return a, s * a
}

// ToX0 converts a prediction p at x = a*x0 + b*eps to the x0 estimate.
// For Velocity the noising must be flow (a = 1-b).
func ToX0(pred Prediction, p, x, a, b float64) float64 {
	switch pred {
	case Epsilon:
		return (x - b*p) / a
	case V:
		// v = a*eps - b*x0 and x = a*x0 + b*eps give x0 = (a*x - b*v)/(a^2+b^2).
		return (a*x - b*p) / (a*a + b*b)
	case Velocity:
		return x - b*p
	case Sample:
		return p
	}
	panic(fmt.Sprintf("scheduler: unknown prediction %q", pred))
}

// ToEps converts a prediction p at x = a*x0 + b*eps to the noise estimate.
func ToEps(pred Prediction, p, x, a, b float64) float64 {
	x0 := ToX0(pred, p, x, a, b)
	return (x - a*x0) / b
}

// FromX0 returns the prediction of type pred implied by an x0 estimate at
// x = a*x0 + b*eps (the inverse of ToX0).
func FromX0(pred Prediction, x0, x, a, b float64) float64 {
	eps := (x - a*x0) / b
	switch pred {
	case Epsilon:
		return eps
	case V:
		return a*eps - b*x0
	case Velocity:
		return eps - x0
	case Sample:
		return x0
	}
	panic(fmt.Sprintf("scheduler: unknown prediction %q", pred))
}

// AddNoise sets dst = a*x0 + b*eps with (a, b) = Coefficients(n, level):
// the forward process of any noising family, on any latent type.
func AddNoise[T any](ops Ops[T], dst, x0, eps T, n Noising, level float64) {
	a, b := Coefficients(n, level)
	ops.AXPBY(dst, a, x0, b, eps)
}
