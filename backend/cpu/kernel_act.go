package cpu

import "math"

// Float32 kernels of the activations the models spend time in: e^x,
// sigmoid, SiLU and GELU (tanh form) of Unary, and the sin² of Snake. Each
// has a portable Go version (the functions of this file, used with the
// noasm tag and on CPUs without AVX2) and AVX-512 and AVX2+FMA versions
// (kernel_act_avx512_amd64.s, kernel_act_avx2_amd64.s) that follow the
// same method 16 or 8 lanes at a time with fused multiply-adds and give
// the same bits as each other; all stay within a few ulp of the exact
// result (kernel_act_test.go measures them against float64 math). The
// entry points (expF32 etc., kernel_act_dispatch.go) hand whole slices to
// one version, and the assembly handles the tail with a lane mask, so an
// element's result never depends on how a slice was split among
// goroutines.

// Constants of the float32 exponential: n = round(x·log2e) by the
// 1.5·2²³ trick, r = x - n·ln2 with ln2 split so that n·exp32Ln2Hi is
// exact, e^r by a degree-6 polynomial on |r| <= ln2/2.
const (
	exp32Log2e = 1.44269504088896341
	exp32Ln2Hi = 0.693359375    // 9 significant bits
	exp32Ln2Lo = -2.12194440e-4 // ln2 - exp32Ln2Hi
	exp32Magic = 12582912       // 1.5·2²³: adding it rounds to an integer
	exp32Max   = 89             // e^x overflows float32 from 88.7228
	exp32Min   = -104           // e^x rounds to 0 below -103.9721
	exp32P0    = 5.0000001201e-1
	exp32P1    = 1.6666665459e-1
	exp32P2    = 4.1665795894e-2
	exp32P3    = 8.3334519073e-3
	exp32P4    = 1.3981999507e-3
	exp32P5    = 1.9875691500e-4
)

// exp32 returns e^x in float32 with about 1 ulp of error, including
// gradual underflow to subnormal results and overflow to +Inf; NaN stays
// NaN. x is clamped to [-104, 89], whose ends already give 0 and +Inf,
// and 2ⁿ is applied in two steps only when it is not a normal float; both
// branches are rarely taken, so they predict well. Reference:
//
//	return float32(math.Exp(float64(x)))
func exp32(x float32) float32 {
	// Clamp with branches that typical data never takes (NaN takes
	// neither); Go's min and max cost more for their NaN and ±0 rules.
	if x < exp32Min {
		x = exp32Min
	}
	if x > exp32Max {
		x = exp32Max
	}
	t := x*exp32Log2e + exp32Magic
	fn := t - exp32Magic
	n := int32(math.Float32bits(t) - math.Float32bits(exp32Magic)) // in [-150, 129]
	r := x - fn*exp32Ln2Hi
	r -= fn * exp32Ln2Lo
	p := exp32P5*r + exp32P4
	p = p*r + exp32P3
	p = p*r + exp32P2
	p = p*r + exp32P1
	p = p*r + exp32P0
	y := p*(r*r) + r + 1
	if uint32(n+126) <= 253 { // 2ⁿ is a normal float: one exact product
		return y * math.Float32frombits(uint32(n+127)<<23)
	}
	// 2ⁿ = 2^n1 · 2^n2 with both factors normal floats: the first product
	// is exact and the second rounds once, into the subnormals or to +Inf.
	n1 := n >> 1
	y *= math.Float32frombits(uint32(n1+127) << 23)
	return y * math.Float32frombits(uint32(n-n1+127)<<23)
}

// sigmoid32 returns 1/(1+e^-x) without overflow and without a
// data-dependent branch: with e = e^-|x| it is 1/(1+e) for x >= 0 and
// e/(1+e) otherwise (the numerator picked by the sign bit), so the
// relative error stays at a few ulp for every x and tiny results underflow
// gradually. Reference:
//
//	return float32(1 / (1 + math.Exp(-float64(x))))
func sigmoid32(x float32) float32 {
	e := exp32(-abs32(x))
	m := uint32(int32(math.Float32bits(x)) >> 31) // all ones when the sign is set
	num := math.Float32frombits(math.Float32bits(e)&m | math.Float32bits(1)&^m)
	return num / (1 + e)
}

// abs32 is |x| by clearing the sign bit.
func abs32(x float32) float32 {
	return math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
}

// GELU (tanh form) constants: x/2·(1+tanh(y)) = x·σ(2y) with
// 2y = x·(geluTanhC1 + geluTanhC2·x²).
const (
	geluTanhC1 = 2 * 0.7978845608028654            // 2·√(2/π)
	geluTanhC2 = 2 * 0.7978845608028654 * 0.044715 // 2·√(2/π)·0.044715
)

// expBlock32 computes dst[i] = e^src[i]. Reference loop:
//
//	for i := range dst {
//		dst[i] = float32(math.Exp(float64(src[i])))
//	}
func expBlock32(dst, src []float32) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = exp32(x)
	}
}

// sigmoidBlock32 computes dst[i] = σ(src[i]). Reference loop:
//
//	for i := range dst {
//		dst[i] = float32(1 / (1 + math.Exp(-float64(src[i]))))
//	}
func sigmoidBlock32(dst, src []float32) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = sigmoid32(x)
	}
}

// siluBlock32 computes dst[i] = src[i]·σ(src[i]) (-Inf gives NaN, as
// x/(1+e^-x) does in PyTorch). Reference loop:
//
//	for i := range dst {
//		x := float64(src[i])
//		dst[i] = float32(x / (1 + math.Exp(-x)))
//	}
func siluBlock32(dst, src []float32) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = x * sigmoid32(x)
	}
}

// geluTanhBlock32 computes GELU(approximate="tanh") as x·σ(2y), which
// does not cancel for x < 0 as 1+tanh(y) does; -Inf gives NaN like
// PyTorch. Reference loop:
//
//	for i := range dst {
//		x := float64(src[i])
//		y := math.Sqrt(2/math.Pi) * (x + 0.044715*x*x*x)
//		dst[i] = float32(x / 2 * (1 + math.Tanh(y)))
//	}
func geluTanhBlock32(dst, src []float32) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = x * sigmoid32(x*(geluTanhC1+geluTanhC2*(x*x)))
	}
}

// Constants of sin²: t = n·π/2 + r with n = round(t·2/π) and π/2 split in
// three parts (the first two with 8 and 11 significant bits, so n·P1 and
// n·P2 are exact while |n| < 2^13), then sin r or cos r by the minimax
// polynomials on |r| <= π/4; |t| > sin32Max goes to math.Sin.
const (
	sin32TwoOverPi = 0.636619772367581343
	sin32P1        = 1.5703125
	sin32P2        = 4.837512969970703125e-4
	sin32P3        = 7.54978995489188216e-8
	sin32Max       = 8192
	sin32S1        = -1.6666654611e-1
	sin32S2        = 8.3321608736e-3
	sin32S3        = -1.9515295891e-4
	sin32C1        = 4.166664568298827e-2
	sin32C2        = -1.388731625493765e-3
	sin32C3        = 2.443315711809948e-5
)

// sinSq32 returns sin(t)² for |t| <= sin32Max (the caller sends other
// arguments, Inf and NaN to math.Sin): sin² only needs the parity of the
// quadrant n, odd quadrants taking cos r.
func sinSq32(t float32) float32 {
	u := t*sin32TwoOverPi + exp32Magic
	fn := u - exp32Magic
	odd := math.Float32bits(u)&1 != 0 // the magic's last mantissa bit is n's parity
	r := t - fn*sin32P1
	r -= fn * sin32P2
	r -= fn * sin32P3
	z := r * r
	var s float32
	if odd {
		p := sin32C3*z + sin32C2
		p = p*z + sin32C1
		s = p*(z*z) - 0.5*z + 1
	} else {
		p := sin32S3*z + sin32S2
		p = p*z + sin32S1
		s = p*(z*r) + r
	}
	return s * s
}

// snakeRow32 computes dst[t] = x[t] + sin(a·x[t])²·inv. Reference loop:
//
//	for t, v := range x {
//		s := math.Sin(float64(a * v))
//		dst[t] = float32(float64(v) + s*s*float64(inv))
//	}
func snakeRow32(dst, x []float32, a, inv float32) {
	x = x[:len(dst)]
	for t, v := range x {
		u := a * v
		var s2 float32
		if abs32(u) <= sin32Max {
			s2 = sinSq32(u)
		} else { // also Inf and NaN
			s := float32(math.Sin(float64(u)))
			s2 = s * s
		}
		dst[t] = v + s2*inv
	}
}
