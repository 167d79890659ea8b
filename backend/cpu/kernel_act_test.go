package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// actSweep returns a dense set of float32 inputs: every 2039th bit
// pattern (all magnitudes of both signs, subnormals included), a fine grid
// over [-24, 24], the specials (±0, ±Inf, NaN, the extreme finite and
// subnormal values) and the edges of exp's range; its length is not a
// multiple of 16, so the masked tail of the vector kernels is exercised.
func actSweep() []float32 {
	var xs []float32
	for b := uint64(0); b < 1<<32; b += 2039 {
		xs = append(xs, math.Float32frombits(uint32(b)))
	}
	for x := -24.0; x <= 24; x += 1.0 / 4096 {
		xs = append(xs, float32(x))
	}
	inf := float32(math.Inf(1))
	xs = append(xs, 0, float32(math.Copysign(0, -1)), inf, -inf, float32(math.NaN()),
		math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		math.Float32frombits(0x007fffff), math.Float32frombits(0x807fffff), 0x1p-126, -0x1p-126,
		88.72283, 88.72284, 88.7, 89, 89.5, -103.97207, -103.97208, -103.9, -104, -105, -87.3, -87.4, -126, -150,
		8192, -8192, math.Nextafter32(8192, 1e9), 1e5, -3e7, 1e20)
	if len(xs)%16 == 0 {
		xs = append(xs, 1.5)
	}
	return xs
}

// actErr accumulates the error of a kernel against a float64 reference.
type actErr struct {
	maxAbs       float64 // max |got-want|
	maxRel       float64 // max |got-want|/|want| over normal float32 |want|
	maxRelBig    float64 // the same over |want| >= 1e-3
	atAbs, atRel float32 // the inputs where they occur
	atRelBig     float32
	fails        int
	firstFail    string
}

// add records one result; tolAbs and tolRel are the conformance
// tolerances. The reference is rounded to float32 first (so overflow gives
// Inf), NaN must match NaN and infinities must match exactly.
func (e *actErr) add(x, got float32, want, tolAbs, tolRel float64) {
	want = float64(float32(want))
	g := float64(got)
	if math.IsNaN(want) || math.IsInf(want, 0) || math.IsNaN(g) || math.IsInf(g, 0) {
		if !(math.IsNaN(want) && math.IsNaN(g)) && g != want {
			e.fail(x, got, want)
		}
		return
	}
	d := math.Abs(g - want)
	if d > e.maxAbs {
		e.maxAbs, e.atAbs = d, x
	}
	if math.Abs(want) >= 0x1p-126 {
		r := d / math.Abs(want)
		if r > e.maxRel {
			e.maxRel, e.atRel = r, x
		}
		if math.Abs(want) >= 1e-3 && r > e.maxRelBig {
			e.maxRelBig, e.atRelBig = r, x
		}
	}
	if d > tolAbs+tolRel*math.Abs(want) {
		e.fail(x, got, want)
	}
}

func (e *actErr) log(t *testing.T, name string) {
	t.Helper()
	t.Logf("%-22s max abs %.3g (x=%g)  max rel %.3g (x=%g), %.3g where |want| >= 1e-3 (x=%g)",
		name, e.maxAbs, e.atAbs, e.maxRel, e.atRel, e.maxRelBig, e.atRelBig)
}

func (e *actErr) fail(x, got float32, want float64) {
	if e.fails == 0 {
		e.firstFail = fmt.Sprintf("x=%g got %g want %g", x, got, want)
	}
	e.fails++
}

// TestActivationKernels sweeps every implementation of each activation
// over actSweep against float64 math, checks the conformance tolerance of
// the op (backend/backendtest/doc.go) at every point and logs the max
// abs/rel errors.
func TestActivationKernels(t *testing.T) {
	xs := actSweep()
	got := make([]float32, len(xs))
	type fn struct {
		name           string
		tolAbs, tolRel float64
		pick           func(actSet) func(dst, src []float32)
		ref            func(x float64) float64
	}
	fns := []fn{
		{"exp", 1e-7, 1e-6, func(m actSet) func(dst, src []float32) { return m.exp }, math.Exp},
		{"sigmoid", 1e-7, 1e-6, func(m actSet) func(dst, src []float32) { return m.sigmoid },
			func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }},
		{"silu", 1e-7, 1e-6, func(m actSet) func(dst, src []float32) { return m.silu },
			func(x float64) float64 { return x / (1 + math.Exp(-x)) }},
		// x/2·(1+tanh(y)) = x/(1+e^(-2y)), which float64 evaluates without
		// cancellation; -Inf gives -Inf/Inf = NaN as in the tanh form.
		{"gelu_tanh", 1e-6, 1e-6, func(m actSet) func(dst, src []float32) { return m.geluTanh },
			func(x float64) float64 {
				y := math.Sqrt(2/math.Pi) * (x + 0.044715*x*x*x)
				return x / (1 + math.Exp(-2*y))
			}},
	}
	for _, m := range actSets() {
		for _, f := range fns {
			f.pick(m)(got, xs)
			var e actErr
			for i, x := range xs {
				e.add(x, got[i], f.ref(float64(x)), f.tolAbs, f.tolRel)
			}
			e.log(t, m.name+" "+f.name)
			if e.fails > 0 {
				t.Errorf("%s %s: %d of %d beyond %g+%g·|want|, first %s", m.name, f.name, e.fails, len(xs), f.tolAbs, f.tolRel, e.firstFail)
			}
		}
	}
}

// TestSnakeKernels sweeps the Snake kernels over actSweep for a few
// alphas against float64 sine (of the float32 product alpha·x, as the
// kernels take it), with the conformance tolerance of snake.
func TestSnakeKernels(t *testing.T) {
	xs := actSweep()
	got := make([]float32, len(xs))
	for _, m := range actSets() {
		for _, alpha := range []float32{0.05, 1, 3.7, -2.5} {
			inv := 1 / (alpha + 1e-9)
			snakeWith(m, got, xs, alpha, inv)
			var e actErr
			for i, x := range xs {
				s := math.Sin(float64(alpha * x))
				e.add(x, got[i], float64(x)+s*s*float64(inv), 1e-6, 1e-6)
			}
			e.log(t, fmt.Sprintf("%s snake α=%g", m.name, alpha))
			if e.fails > 0 {
				t.Errorf("%s snake α=%g: %d of %d beyond 1e-6+1e-6·|want|, first %s", m.name, alpha, e.fails, len(xs), e.firstFail)
			}
		}
	}
}

// TestSinSq32 measures the sine part on its own: max abs error of
// sin(t)² over a dense grid of |t| <= sin32Max, against float64.
func TestSinSq32(t *testing.T) {
	worst, at := 0.0, float32(0)
	for b := uint32(0); b < 0x46000000; b += 97 { // all magnitudes up to 8192
		for _, v := range []float32{math.Float32frombits(b), -math.Float32frombits(b)} {
			s := math.Sin(float64(v))
			if d := math.Abs(float64(sinSq32(v)) - s*s); d > worst {
				worst, at = d, v
			}
		}
	}
	t.Logf("sinSq32: max abs error %.3g at t = %g", worst, at)
	if worst > 3e-7 {
		t.Errorf("sinSq32: max abs error %.3g at t = %g", worst, at)
	}
}

// TestActivationSplit checks that a kernel's result for an element does
// not depend on where its slice starts or ends (as parallelFor may cut
// it): the dispatched kernels over pieces of random lengths must give the
// same bits as over the whole slice, for every set of kernels.
func TestActivationSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(91, 92))
	n := 1000
	src := make([]float32, n)
	for i := range src {
		src[i] = float32(rng.NormFloat64() * 6)
	}
	src[17] = 1e6 // Snake's large-argument path
	for _, m := range actSets() {
		kernels := map[string]func(dst, src []float32){
			"exp": m.exp, "sigmoid": m.sigmoid, "silu": m.silu, "gelu_tanh": m.geluTanh,
			"snake": func(dst, src []float32) { snakeWith(m, dst, src, 1.3, 1/(1.3+1e-9)) },
		}
		for name, k := range kernels {
			whole, parts := make([]float32, n), make([]float32, n)
			k(whole, src)
			for lo := 0; lo < n; {
				hi := min(n, lo+1+rng.IntN(40))
				k(parts[lo:hi], src[lo:hi])
				lo = hi
			}
			for i := range whole {
				if math.Float32bits(whole[i]) != math.Float32bits(parts[i]) {
					t.Errorf("%s %s: element %d (x=%g) is %g whole and %g in pieces", m.name, name, i, src[i], whole[i], parts[i])
					break
				}
			}
		}
	}
}

// TestActivationAsmSetsAgree checks that the AVX2 and AVX-512 kernels,
// which follow the same FMA sequence, give the same bits on actSweep (so a
// model's output does not depend on which of the two the CPU has).
func TestActivationAsmSetsAgree(t *testing.T) {
	sets := actAsmSets()
	if len(sets) < 2 {
		t.Skip("fewer than two assembly kernel sets on this CPU/build")
	}
	xs := actSweep()
	ref, got := make([]float32, len(xs)), make([]float32, len(xs))
	pick := map[string]func(actSet) func(dst, src []float32){
		"exp":       func(s actSet) func(dst, src []float32) { return s.exp },
		"sigmoid":   func(s actSet) func(dst, src []float32) { return s.sigmoid },
		"silu":      func(s actSet) func(dst, src []float32) { return s.silu },
		"gelu_tanh": func(s actSet) func(dst, src []float32) { return s.geluTanh },
		"snake": func(s actSet) func(dst, src []float32) {
			return func(dst, src []float32) { snakeWith(s, dst, src, 0.7, 1/(0.7+1e-9)) }
		},
	}
	for name, p := range pick {
		p(sets[0])(ref, xs)
		for _, s := range sets[1:] {
			p(s)(got, xs)
			for i := range ref {
				if math.Float32bits(ref[i]) != math.Float32bits(got[i]) && !(ref[i] != ref[i] && got[i] != got[i]) {
					t.Errorf("%s: %s gives %g and %s %g at x=%g", name, sets[0].name, ref[i], s.name, got[i], xs[i])
					break
				}
			}
		}
	}
}
