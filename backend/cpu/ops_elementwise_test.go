package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

func TestBinaryBroadcast(t *testing.T) {
	shapes := []struct{ a, b []int }{
		{[]int{7, 13}, []int{7, 13}},
		{[]int{7, 13}, []int{13}},
		{[]int{7, 13}, []int{7, 1}},
		{[]int{1}, []int{5, 3}},
		{[]int{5, 3}, []int{}},
		{[]int{2, 1, 5}, []int{3, 1}},
		{[]int{4, 1, 6, 1}, []int{1, 3, 1, 5}},
		{[]int{2, 3, 4, 5}, []int{3, 1, 5}},
		{[]int{129, 257}, []int{129, 257}}, // large enough to split over goroutines
		{[]int{300, 200}, []int{200}},
		{[]int{3, 0, 2}, []int{2}},
	}
	ops := []backend.BinaryOp{backend.Add, backend.Sub, backend.Mul, backend.Div, backend.Maximum, backend.Minimum}
	ref := func(op backend.BinaryOp, x, y float64) float64 {
		switch op {
		case backend.Add:
			return x + y
		case backend.Sub:
			return x - y
		case backend.Mul:
			return x * y
		case backend.Div:
			return x / y
		case backend.Maximum:
			return math.Max(x, y)
		}
		return math.Min(x, y)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, threads := range []int{1, 3} {
		c := New(threads).newContext()
		for _, sh := range shapes {
			av := coreRand(rng, backend.NumElements(sh.a), 2)
			bv := coreRand(rng, backend.NumElements(sh.b), 2)
			a, b := c.Constant(av, sh.a...), c.Constant(bv, sh.b...)
			out, _ := backend.BroadcastShapes(sh.a, sh.b)
			for _, op := range ops {
				name := fmt.Sprintf("threads%d/op%d/%v·%v", threads, op, sh.a, sh.b)
				got := c.Binary(op, a, b)
				if fmt.Sprint(got.Shape()) != fmt.Sprint(out) {
					t.Fatalf("%s: shape %v, want %v", name, got.Shape(), out)
				}
				want := make([]float64, backend.NumElements(out))
				for i := range want {
					idx := coreUnravel(i, out)
					want[i] = float64(float32(ref(op, float64(av[coreIndex(idx, sh.a, out)]), float64(bv[coreIndex(idx, sh.b, out)]))))
				}
				coreCheck(t, name, c.b.Float32(got), want, 0, 0) // one rounding: exact
			}
		}
	}
	c := New(1).newContext()
	coreShapePanic(t, "Binary mismatch", func() { c.Binary(backend.Add, c.Zeros(2, 3), c.Zeros(4)) })
}

func TestBinaryHalfOperand(t *testing.T) {
	b := New(2)
	c := b.newContext()
	rng := rand.New(rand.NewPCG(3, 4))
	xv := coreRand(rng, 6*10, 1)
	for _, dt := range []backend.DType{backend.F16, backend.BF16} {
		w, wv := coreHalf(t, b, dt, coreRand(rng, 10, 1), 10)
		got := b.Float32(c.Binary(backend.Mul, c.Constant(xv, 6, 10), w))
		want := make([]float64, len(xv))
		for i := range want {
			want[i] = float64(xv[i] * wv[i%10])
		}
		coreCheck(t, "Mul "+dt.String(), got, want, 0, 0)
	}
}

func TestUnary(t *testing.T) {
	// Ops evaluated in float64 round once (tol 0); the float32 kernels of
	// kernel_act.go are held to the conformance tolerances of
	// backend/backendtest/doc.go.
	tol := map[backend.UnaryOp][2]float64{
		backend.Exp: {1e-7, 1e-6}, backend.Sigmoid: {1e-7, 1e-6}, backend.SiLU: {1e-7, 1e-6},
		backend.GELUTanh: {1e-6, 1e-6},
	}
	ops := []struct {
		op  backend.UnaryOp
		f   func(float64) float64
		pos bool // domain x > 0
	}{
		{backend.Neg, func(x float64) float64 { return -x }, false},
		{backend.Abs, math.Abs, false},
		{backend.Exp, math.Exp, false},
		{backend.Log, math.Log, true},
		{backend.Sqrt, math.Sqrt, true},
		{backend.Rsqrt, func(x float64) float64 { return 1 / math.Sqrt(x) }, true},
		{backend.Square, func(x float64) float64 { return x * x }, false},
		{backend.Recip, func(x float64) float64 { return 1 / x }, false},
		{backend.Sin, math.Sin, false},
		{backend.Cos, math.Cos, false},
		{backend.Tanh, math.Tanh, false},
		{backend.Sigmoid, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, false},
		{backend.ReLU, func(x float64) float64 { return math.Max(x, 0) }, false},
		{backend.SiLU, func(x float64) float64 { return x / (1 + math.Exp(-x)) }, false},
		// x/2·(1+erf(x/√2)) as x/2·erfc(-x/√2): no float64 cancellation for x < 0.
		{backend.GELU, func(x float64) float64 { return x / 2 * math.Erfc(-x/math.Sqrt2) }, false},
		{backend.GELUTanh, func(x float64) float64 {
			// x/2·(1+tanh(y)) written as x/(1+e^(-2y)): same function, but
			// without float64 cancellation for x < -5.
			y := math.Sqrt(2/math.Pi) * (x + 0.044715*x*x*x)
			return x / (1 + math.Exp(-2*y))
		}, false},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	xs := coreRand(rng, 40001, 8)
	// Large magnitudes check that Sigmoid, SiLU and GELU stay finite.
	xs = append(xs, -100, -30, -17.5, 0, 17.5, 30, 100)
	c := New(2).newContext()
	for _, tc := range ops {
		x := append([]float32(nil), xs...)
		if tc.pos {
			for i := range x {
				x[i] = float32(math.Abs(float64(x[i]))) + 1e-3
			}
		}
		got := c.b.Float32(c.Unary(tc.op, c.Constant(x, len(x))))
		want := make([]float64, len(x))
		for i, v := range x {
			want[i] = float64(float32(tc.f(float64(v))))
		}
		// One float32 rounding of the exact result: 6e-8 relative, plus
		// tiny absolute slack where the result cancels to ~0.
		atol, rtol := 1e-30, 1.2e-7
		if tl, ok := tol[tc.op]; ok {
			atol, rtol = tl[0], tl[1]
		}
		coreCheck(t, fmt.Sprintf("unary op %d", tc.op), got, want, atol, rtol)
	}
}

func TestAffineLeakyReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	x := coreRand(rng, 50000, 3)
	c := New(3).newContext()
	got := c.b.Float32(c.Affine(c.Constant(x, 100, 500), 1.5, -0.25))
	want := make([]float64, len(x))
	for i, v := range x {
		want[i] = float64(float32(v*1.5) - 0.25)
	}
	coreCheck(t, "Affine", got, want, 0, 0)
	got = c.b.Float32(c.LeakyReLU(c.Constant(x, 100, 500), 0.2))
	for i, v := range x {
		want[i] = float64(v)
		if v < 0 {
			want[i] = float64(v * 0.2)
		}
	}
	coreCheck(t, "LeakyReLU", got, want, 0, 0)
}

func TestMergeBroadcast(t *testing.T) {
	shape := []int{4, 5, 6}
	dims, sa, sb := mergeBroadcast(shape, broadcastStrides(shape, shape, 1), broadcastStrides([]int{6}, shape, 1))
	if fmt.Sprint(dims, sa, sb) != "[20 6] [6 1] [0 1]" {
		t.Errorf("trailing broadcast merged to %v %v %v", dims, sa, sb)
	}
	dims, sa, sb = mergeBroadcast(shape, broadcastStrides(shape, shape, 1), broadcastStrides(shape, shape, 1))
	if fmt.Sprint(dims, sa, sb) != "[120] [1] [1]" {
		t.Errorf("same shape merged to %v %v %v", dims, sa, sb)
	}
}
