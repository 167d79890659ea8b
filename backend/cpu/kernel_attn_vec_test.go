package cpu

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExpSubMatchesScalar checks expSub (AVX-512 lanes where available)
// against attnExp element by element and its sum against a float64 sum,
// over lengths around the 16-lane blocks and arguments down to -Inf; a NaN
// (in the last element of lengths 15 and 33: a 16-lane block and a
// masked tail) must give NaN and a NaN sum.
func TestExpSubMatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, n := range []int{1, 15, 16, 17, 33, 256, 1000} {
		row := make([]float32, n)
		for i := range row {
			switch {
			case (n == 15 || n == 33) && i == n-1:
				row[i] = float32(math.NaN())
			case i%7 == 0:
				row[i] = float32(math.Inf(-1))
			case i%7 == 1:
				row[i] = -87.3 - float32(rng.Float64())*0.1 // around the underflow cut
			default:
				row[i] = float32(-rng.Float64() * 30)
			}
		}
		mx := float32(0.25)
		orig := append([]float32(nil), row...)
		sum := expSub(row, mx) // row now holds the exponentials
		var ref float64
		for i, v := range orig {
			want := attnExp(v - mx)
			ref += float64(row[i])
			if v != v {
				if row[i] == row[i] {
					t.Fatalf("n=%d: exp(NaN) = %g, want NaN", n, row[i])
				}
				continue
			}
			if d := math.Abs(float64(row[i] - want)); d > 4e-7*float64(want) && !(want == 0 && row[i] < 1e-37) {
				t.Fatalf("n=%d: exp(%g) = %g, scalar %g (rel %.3g)", n, v-mx, row[i], want, d/float64(want))
			}
		}
		if math.IsNaN(ref) != math.IsNaN(float64(sum)) || math.Abs(float64(sum)-ref) > 1e-6*ref {
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

// TestAttnRowKernelsStayInRow checks that the vector softmax helpers,
// which handle a row's last partial 16-lane block under a mask, neither
// write past the row nor let the lanes past it change the result.
func TestAttnRowKernelsStayInRow(t *testing.T) {
	for n := 1; n <= 40; n++ {
		buf := make([]float32, n+16)
		for i := range buf {
			buf[i] = float32(i%5) - 2
		}
		for i := n; i < len(buf); i++ {
			buf[i] = 1e30 // would dominate the maximum and overflow the sum
		}
		row := buf[:n]
		want := float32(math.Inf(-1))
		for _, v := range row {
			want = max(want, v*0.5)
		}
		mx := attnScaleMax(row, nil, 0, 0.5, float32(math.Inf(-1)))
		if mx != want {
			t.Errorf("n=%d: max %g, want %g", n, mx, want)
		}
		sum := expSub(row, mx) // row now holds the exponentials
		var ref float64
		for _, v := range row {
			ref += float64(v)
		}
		if math.Abs(float64(sum)-ref) > 1e-6*ref {
			t.Errorf("n=%d: sum %g, want %g", n, sum, ref)
		}
		for i := n; i < len(buf); i++ {
			if buf[i] != 1e30 {
				t.Fatalf("n=%d: element %d past the row changed to %g", n, i, buf[i])
			}
		}
	}
}

// TestAttnRowVector checks the one-call softmax step of an unmasked row
// against attnScaleMax and attnExp: the scaled maximum (NaN ignored, the
// previous maximum included), each exponential, the sum against a float64
// sum, nothing written past the row, and an all -Inf row left without
// exponentials.
func TestAttnRowVector(t *testing.T) {
	if !attnVector {
		t.Skip("no AVX-512 softmax kernels on this CPU or build")
	}
	rng := rand.New(rand.NewPCG(8, 9))
	for n := 1; n <= 70; n++ {
		for _, mprev := range []float32{float32(math.Inf(-1)), 3} {
			buf := make([]float32, n+16)
			for i := range buf {
				buf[i] = float32(rng.NormFloat64() * 8)
			}
			for i := n; i < len(buf); i++ {
				buf[i] = 1e30
			}
			if n > 3 {
				buf[n/2] = float32(math.NaN())
			}
			orig := append([]float32(nil), buf[:n]...)
			wantMax := mprev
			for _, v := range orig {
				if v*0.3 > wantMax {
					wantMax = v * 0.3
				}
			}
			mx, sum := attnRowAVX512(buf[:n], 0.3, mprev)
			if mx != wantMax {
				t.Fatalf("n=%d mprev=%g: max %g, want %g", n, mprev, mx, wantMax)
			}
			var ref float64
			for i, v := range orig {
				want := attnExp(v*0.3 - mx)
				got := buf[i]
				ref += float64(got)
				if math.IsNaN(float64(v)) {
					if got == got {
						t.Fatalf("n=%d: the exponential of a NaN score is %g, want NaN", n, got)
					}
					continue
				}
				if d := math.Abs(float64(got - want)); d > 4e-7*float64(want) && !(want == 0 && got < 1e-37) {
					t.Fatalf("n=%d: exp(%g) = %g, scalar %g", n, v*0.3-mx, got, want)
				}
			}
			if math.IsNaN(ref) != math.IsNaN(float64(sum)) || math.Abs(float64(sum)-ref) > 1e-6*ref {
				t.Errorf("n=%d: sum %g, float64 sum %g", n, sum, ref)
			}
			for i := n; i < len(buf); i++ {
				if buf[i] != 1e30 {
					t.Fatalf("n=%d: element %d past the row changed to %g", n, i, buf[i])
				}
			}
		}
	}
	row := []float32{float32(math.Inf(-1)), float32(math.Inf(-1))}
	if mx, sum := attnRowAVX512(row, 0.5, float32(math.Inf(-1))); !math.IsInf(float64(mx), -1) || sum != 0 || !math.IsInf(float64(row[0]), -1) {
		t.Errorf("all -Inf row: max %g sum %g row %v", mx, sum, row)
	}
	// A NaN previous maximum (an earlier block had NaN scores among masked
	// ones) stays the maximum and makes every exponential NaN.
	for _, n := range []int{5, 16, 21} {
		row := make([]float32, n)
		for i := range row {
			row[i] = float32(i)
		}
		mx, sum := attnRowAVX512(row, 0.5, float32(math.NaN()))
		if mx == mx || sum == sum {
			t.Errorf("n=%d, NaN mprev: max %g sum %g, want NaN", n, mx, sum)
		}
		for i, v := range row {
			if v == v {
				t.Fatalf("n=%d, NaN mprev: row[%d] = %g, want NaN", n, i, v)
			}
		}
	}
}
