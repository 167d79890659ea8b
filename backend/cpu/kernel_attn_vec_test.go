package cpu

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExpSubMatchesScalar checks expSub (AVX-512 lanes where available)
// against attnExp element by element and its sum against a float64 sum,
// over lengths around the 16-lane blocks and arguments down to -Inf.
func TestExpSubMatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, n := range []int{1, 15, 16, 17, 33, 256, 1000} {
		row := make([]float32, n)
		for i := range row {
			switch i % 7 {
			case 0:
				row[i] = float32(math.Inf(-1))
			case 1:
				row[i] = -87.3 - float32(rng.Float64())*0.1 // around the underflow cut
			default:
				row[i] = float32(-rng.Float64() * 30)
			}
		}
		mx := float32(0.25)
		orig := append([]float32(nil), row...)
		sum := expSub(row, mx)
		var ref float64
		for i, v := range orig {
			want := attnExp(v - mx)
			ref += float64(row[i])
			if d := math.Abs(float64(row[i] - want)); d > 4e-7*float64(want) && !(want == 0 && row[i] < 1e-37) {
				t.Fatalf("n=%d: exp(%g) = %g, scalar %g (rel %.3g)", n, v-mx, row[i], want, d/float64(want))
			}
		}
		if math.Abs(float64(sum)-ref) > 1e-6*ref {
			t.Errorf("n=%d: sum %g, float64 sum %g", n, sum, ref)
		}
	}
}

// TestAttnScaleMaxVector checks the scaled row and maximum, NaN ignored.
func TestAttnScaleMaxVector(t *testing.T) {
	for _, n := range []int{3, 16, 40} {
		row := make([]float32, n)
		for i := range row {
			row[i] = float32(i%11) - 5
		}
		row[n-1] = float32(math.NaN())
		want := float32(math.Inf(-1))
		for i, v := range row {
			if v*0.5 > want {
				want = v * 0.5
			}
			_ = i
		}
		got := attnScaleMax(row, nil, 0, 0.5, float32(math.Inf(-1)))
		if got != want {
			t.Errorf("n=%d: max %g, want %g", n, got, want)
		}
		if row[1] != -2 {
			t.Errorf("n=%d: row[1] = %g, want -2", n, row[1])
		}
	}
}
