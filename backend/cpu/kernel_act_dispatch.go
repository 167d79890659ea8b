package cpu

import "math"

// The activation entry points: each hands the whole slice to the AVX-512
// kernel when the CPU has it and to the Go kernel otherwise, so every
// element of a call is computed the same way wherever the slice starts or
// ends.

// expF32 computes dst[i] = e^src[i] (see expBlock32).
func expF32(dst, src []float32) {
	if actVector {
		expAVX512(dst, src[:len(dst)])
		return
	}
	expBlock32(dst, src)
}

// sigmoidF32 computes dst[i] = σ(src[i]) (see sigmoidBlock32).
func sigmoidF32(dst, src []float32) {
	if actVector {
		sigmoidAVX512(dst, src[:len(dst)])
		return
	}
	sigmoidBlock32(dst, src)
}

// siluF32 computes dst[i] = src[i]·σ(src[i]) (see siluBlock32).
func siluF32(dst, src []float32) {
	if actVector {
		siluAVX512(dst, src[:len(dst)])
		return
	}
	siluBlock32(dst, src)
}

// geluTanhF32 computes GELU(approximate="tanh") (see geluTanhBlock32).
func geluTanhF32(dst, src []float32) {
	if actVector {
		geluTanhAVX512(dst, src[:len(dst)])
		return
	}
	geluTanhBlock32(dst, src)
}

// snakeF32 computes dst[t] = x[t] + sin(a·x[t])²·inv (see snakeRow32).
func snakeF32(dst, x []float32, a, inv float32) {
	if actVector {
		if snakeAVX512(dst, x[:len(dst)], a, inv) {
			snakeFixLarge(dst, x, a, inv)
		}
		return
	}
	snakeRow32(dst, x, a, inv)
}

// snakeFixLarge recomputes, as snakeRow32 does, the elements whose sine
// argument a·x[t] is beyond sin32Max, Inf or NaN.
func snakeFixLarge(dst, x []float32, a, inv float32) {
	x = x[:len(dst)]
	for t, v := range x {
		if u := a * v; !(abs32(u) <= sin32Max) {
			s := float32(math.Sin(float64(u)))
			dst[t] = v + s*s*inv
		}
	}
}
