package scheduler

// Ops is the minimal set of operations a solver needs on an opaque latent
// value T (a []float64 here, a backend tensor later). Every operation writes
// dst, which may alias an input; scalars are float64. A backend whose ops
// return new tensors (backend.Context) implements Ops with T a pointer to a
// small holder whose tensor each operation replaces.
type Ops[T any] interface {
	// New returns a new latent shaped like like (contents unspecified).
	New(like T) T
	// Copy sets dst = src.
	Copy(dst, src T)
	// Scale sets dst = a*x.
	Scale(dst T, a float64, x T)
	// AXPBY sets dst = a*x + b*y.
	AXPBY(dst T, a float64, x T, b float64, y T)
	// LinComb sets dst = sum_i c[i]*xs[i] (len(c) == len(xs) >= 1).
	LinComb(dst T, c []float64, xs []T)
	// Normal fills dst with standard normals from rng in element order.
	Normal(dst T, rng *RNG)
}

// F64Ops implements Ops for []float64 latents.
type F64Ops struct{}

// New returns make([]float64, len(like)).
func (F64Ops) New(like []float64) []float64 { return make([]float64, len(like)) }

// Copy copies src into dst.
func (F64Ops) Copy(dst, src []float64) { copy(dst, src) }

// Scale sets dst[i] = a*x[i].
func (F64Ops) Scale(dst []float64, a float64, x []float64) {
	for i := range dst {
		dst[i] = a * x[i]
	}
}

// AXPBY sets dst[i] = a*x[i] + b*y[i].
func (F64Ops) AXPBY(dst []float64, a float64, x []float64, b float64, y []float64) {
	for i := range dst {
		dst[i] = float64(a*x[i]) + float64(b*y[i])
	}
}

// LinComb sets dst[i] = sum_k c[k]*xs[k][i], summed in order k = 0, 1, ....
func (F64Ops) LinComb(dst []float64, c []float64, xs [][]float64) {
	for i := range dst {
		s := float64(c[0] * xs[0][i])
		for k := 1; k < len(c); k++ {
			s += float64(c[k] * xs[k][i])
		}
		dst[i] = s
	}
}

// Normal fills dst with rng.Normal() in order.
func (F64Ops) Normal(dst []float64, rng *RNG) { rng.Normals(dst) }

// Float32Rounder is implemented by Ops that can round a latent to float32
// precision in place. Solvers configured with Float32Sample use it where
// diffusers casts the sample to float32 inside step() (Euler, Euler
// ancestral, DPM-Solver++, flow Euler/Heun), which matters for parity when
// the sample is large (cosine schedules reach sigma ~ 1e4).
type Float32Rounder[T any] interface {
	RoundFloat32(x T)
}

// RoundFloat32 rounds every element to the nearest float32.
func (F64Ops) RoundFloat32(x []float64) {
	for i, v := range x {
		x[i] = float64(float32(v))
	}
}

// roundF32 rounds x to float32 when enabled and ops supports it.
func roundF32[T any](ops Ops[T], enabled bool, x T) {
	if !enabled {
		return
	}
	if r, ok := ops.(Float32Rounder[T]); ok {
		r.RoundFloat32(x)
	}
}
