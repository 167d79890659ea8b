package tensortest

import (
	"math"
	"testing"
)

// PSNR returns the peak signal-to-noise ratio of got against want (of
// equal length) in dB, 10·log10(peak² / MSE), computed in float64; it is
// +Inf when the values are identical and NaN when a difference is NaN.
func PSNR(got, want []float32, peak float64) float64 {
	se := 0.0
	for i, w := range want {
		d := float64(got[i]) - float64(w)
		se += d * d
	}
	if len(want) == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(peak*peak/(se/float64(len(want))))
}

// CheckPSNR logs the PSNR of got against want (peak as in PSNR) and the
// max abs error with its index, and fails the test below minDB. A length
// mismatch is fatal.
func CheckPSNR(t testing.TB, name string, got, want []float32, peak, minDB float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	p := PSNR(got, want, peak)
	s := Measure(got, want, 0, 0)
	t.Logf("%-24s n=%-6d PSNR %.1f dB (peak %g), max abs err %.3g (at %d), %d values differ",
		name, s.N, p, peak, s.MaxAbs, s.AbsAt, s.Bad)
	if !(p >= minDB) {
		t.Errorf("%s: PSNR %.1f dB, want at least %g dB", name, p, minDB)
	}
	return p
}
