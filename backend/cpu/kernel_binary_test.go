package cpu

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// TestBinaryKernelBits checks binaryKernel with each set of loops this CPU
// runs (AVX-512, AVX2, Go) against a plain float32 loop, bit for bit, for
// every op, stride pattern and length 1..70 (whole vectors and masked
// tails), on values that include ±0, ±Inf, NaN and subnormals.
func TestBinaryKernelBits(t *testing.T) {
	saved := binaryVec
	defer func() { binaryVec = saved }()
	for i, set := range binaryVecSets() {
		binaryVec = set
		testBinaryKernelBits(t, i)
	}
}

// testBinaryKernelBits runs the check with binaryVec as set; set numbers
// the set in binaryVecSets' order (the last is the Go loops).
func testBinaryKernelBits(t *testing.T, set int) {
	rng := rand.New(rand.NewPCG(93, 94))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), math.SmallestNonzeroFloat32, -0x1p-130, math.MaxFloat32, 1, -3}
	val := func() float32 {
		if rng.IntN(4) == 0 {
			return special[rng.IntN(len(special))]
		}
		return float32(rng.NormFloat64() * 10)
	}
	ref := func(op backend.BinaryOp, x, y float32) float32 {
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
			return max(x, y)
		}
		return min(x, y)
	}
	for n := 1; n <= 70; n++ {
		a, b, dst := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range a {
			a[i], b[i] = val(), val()
		}
		for op := backend.Add; op <= backend.Minimum; op++ {
			for _, st := range [][2]int{{1, 1}, {1, 0}, {0, 1}, {0, 0}} {
				binaryKernel(op, dst, a, st[0], b, st[1])
				for i, g := range dst {
					w := ref(op, a[i*st[0]], b[i*st[1]])
					if math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) {
						t.Fatalf("op %d strides %v n=%d (loop set %d): dst[%d] = %g, want %g (a=%g b=%g)",
							op, st, n, set, i, g, w, a[i*st[0]], b[i*st[1]])
					}
				}
			}
		}
	}
}
