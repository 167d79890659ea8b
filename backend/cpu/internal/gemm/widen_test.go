package gemm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/internal/half"
)

// TestWiden checks WidenF16 and WidenBF16 bit for bit against
// internal/half on random bit patterns (NaNs, infinities and subnormals
// included) at lengths around the 16-value vector blocks.
func TestWiden(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 15, 16, 17, 33, 1000} {
		src := make([]byte, 2*n)
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		for _, tc := range []struct {
			name string
			got  func([]float32, []byte)
			want func([]float32, []byte)
		}{
			{"f16", WidenF16, half.F16ToF32},
			{"bf16", WidenBF16, half.BF16ToF32},
		} {
			got, want := make([]float32, n), make([]float32, n)
			tc.got(got, src)
			if n > 0 { // internal/half needs at least one value
				tc.want(want, src)
			}
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s n=%d: value %d is %#x, want %#x", tc.name, n, i, math.Float32bits(got[i]), math.Float32bits(want[i]))
				}
			}
		}
	}
}
