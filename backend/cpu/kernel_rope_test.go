package cpu

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// TestRoPERowBits checks ropeRow (AVX-512 loops where the CPU has them)
// against a plain float32 loop with every product rounded, bit for bit,
// for both layouts and 1..40 pairs (whole vectors and Go tails), on values
// that include ±0, and checks that nothing past the row is written.
func TestRoPERowBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	val := func() float32 {
		switch rng.IntN(8) {
		case 0:
			return 0
		case 1:
			return float32(math.Copysign(0, -1))
		}
		return float32(rng.NormFloat64() * 4)
	}
	for half := 1; half <= 40; half++ {
		x, cos, sin := make([]float32, 2*half), make([]float32, half), make([]float32, half)
		for i := range x {
			x[i] = val()
		}
		for j := range cos {
			cos[j], sin[j] = val(), val()
		}
		for _, layout := range []backend.RoPELayout{backend.RoPESplitHalf, backend.RoPEInterleaved} {
			buf := make([]float32, 2*half+16)
			for i := range buf {
				buf[i] = 7
			}
			ropeRow(buf[:2*half], x, cos, sin, layout)
			for j := range half {
				a, b := j, j+half
				if layout == backend.RoPEInterleaved {
					a, b = 2*j, 2*j+1
				}
				wa := float32(x[a]*cos[j]) - float32(x[b]*sin[j])
				wb := float32(x[b]*cos[j]) + float32(x[a]*sin[j])
				if math.Float32bits(buf[a]) != math.Float32bits(wa) || math.Float32bits(buf[b]) != math.Float32bits(wb) {
					t.Fatalf("half=%d layout=%d pair %d: got (%v, %v), want (%v, %v)", half, layout, j, buf[a], buf[b], wa, wb)
				}
			}
			for i := 2 * half; i < len(buf); i++ {
				if buf[i] != 7 {
					t.Fatalf("half=%d layout=%d: wrote past the row at %d", half, layout, i)
				}
			}
		}
	}
}
