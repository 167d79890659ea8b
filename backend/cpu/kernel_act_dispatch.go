package cpu

import "math"

// actSet is one implementation of the activation kernels of kernel_act.go.
// snake reports whether some element needs snakeFixLarge.
type actSet struct {
	name                         string
	exp, sigmoid, silu, geluTanh func(dst, src []float32)
	snake                        func(dst, x []float32, a, inv float32) (large bool)
}

// actGo is the portable Go set.
var actGo = actSet{"go", expBlock32, sigmoidBlock32, siluBlock32, geluTanhBlock32,
	func(dst, x []float32, a, inv float32) bool { snakeRow32(dst, x, a, inv); return false }}

// act is the set the entry points use: the fastest this CPU runs. Every
// element of every call goes through it, so a result never depends on
// where parallelFor cut the slice.
var act = func() actSet {
	if sets := actAsmSets(); len(sets) > 0 {
		return sets[0]
	}
	return actGo
}()

// actSets returns every set this CPU runs (for tests and benchmarks).
func actSets() []actSet { return append([]actSet{actGo}, actAsmSets()...) }

// expF32 computes dst[i] = e^src[i] (see expBlock32).
func expF32(dst, src []float32) { act.exp(dst, src[:len(dst)]) }

// sigmoidF32 computes dst[i] = σ(src[i]) (see sigmoidBlock32).
func sigmoidF32(dst, src []float32) { act.sigmoid(dst, src[:len(dst)]) }

// siluF32 computes dst[i] = src[i]·σ(src[i]) (see siluBlock32).
func siluF32(dst, src []float32) { act.silu(dst, src[:len(dst)]) }

// geluTanhF32 computes GELU(approximate="tanh") (see geluTanhBlock32).
func geluTanhF32(dst, src []float32) { act.geluTanh(dst, src[:len(dst)]) }

// snakeF32 computes dst[t] = x[t] + sin(a·x[t])²·inv (see snakeRow32).
func snakeF32(dst, x []float32, a, inv float32) { snakeWith(act, dst, x, a, inv) }

// snakeWith runs s's snake kernel and the fix-up it asks for.
func snakeWith(s actSet, dst, x []float32, a, inv float32) {
	if s.snake(dst, x[:len(dst)], a, inv) {
		snakeFixLarge(dst, x, a, inv)
	}
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
