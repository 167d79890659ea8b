package cpu

import "math"

// Exact GELU, x·Φ(x) with Φ the standard normal CDF, evaluated through the
// scaled complementary error function g(t) = erfc(t)·e^(t²), which is
// smooth and bounded for t >= 0:
//
//	Φ(x) = 1 - g(t)·e^(-t²)/2   for x >= 0, t = x/√2
//	Φ(x) = g(t)·e^(-t²)/2       for x < 0,  t = -x/√2
//
// so neither side cancels. g is tabulated as Taylor polynomials around
// the points c = j·geluPiece (each used within geluPiece/2), built at
// start-up from g(c) = math.Erfc(c)·math.Exp(c²) and the exact recurrence
// of its derivatives (g' = 2t·g - 2/√π, so with Taylor coefficients a_n at
// c: a_{n+1} = (2·a_{n-1} + 2c·a_n)/(n+1)). Since erfc(z)·e^(z²) is
// bounded by about 1 for Re z >= 0, |a_n| <= 1 for c >= 1 and the
// truncation error after degree geluDeg at |t-c| <= geluPiece/2 is below
// 1e-10 relative; pieces near 0 have |a_n| <= 7 and the same bound.
const (
	geluPiece = 0.125
	geluTMax  = 14 // beyond, e^(-t²) underflows float32 after scaling
	geluDeg   = 9  // geluKernel unrolls this degree
	geluN     = int(geluTMax / geluPiece)
)

// geluPoly holds the Taylor coefficients of g for each piece, lowest first.
var geluPoly [geluN + 1][geluDeg + 1]float64

func init() {
	const twoOverSqrtPi = 1.12837916709551257390 // 2/√π
	for i := range geluPoly {
		c := float64(i) * geluPiece
		a := &geluPoly[i]
		a[0] = math.Erfc(c) * math.Exp(c*c)
		a[1] = 2*c*a[0] - twoOverSqrtPi
		for n := 1; n < geluDeg; n++ {
			a[n+1] = (2*a[n-1] + 2*c*a[n]) / float64(n+1)
		}
	}
}

// widenBlock converts src to float64 in dst. Converting in a separate loop
// lets the main loop read whole float64 registers; the compiler's in-loop
// float32→float64 conversion has a false dependency on the register's old
// value, which chains the iterations one after another.
func widenBlock(dst []float64, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = float64(v)
	}
}

// narrowBlock rounds src to float32 into dst.
func narrowBlock(dst []float32, src []float64) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = float32(v)
	}
}

// geluBlock replaces each x of buf by geluExact(x).
func geluBlock(buf []float64) {
	const (
		invL  = 32 * 1.44269504088896340736
		ln2hi = 6.93147180369123816490e-01 / 32
		ln2lo = 1.90821492927058770002e-10 / 32
		round = 6755399441055744.0
	)
	for i, x := range buf {
		t := math.Abs(x) * (1 / math.Sqrt2)
		if !(t < geluTMax) { // also NaN
			buf[i] = geluExact(x)
			continue
		}
		// j = round(t/geluPiece) by the 1.5·2^52 trick (no conversions).
		jr := t*(1/geluPiece) + round
		jf := jr - round
		d := t - jf*geluPiece
		a := &geluPoly[uint32(math.Float64bits(jr))%uint32(geluN+1)]
		g := a[9]*d + a[8]
		g = g*d + a[7]
		g = g*d + a[6]
		g = g*d + a[5]
		g = g*d + a[4]
		g = g*d + a[3]
		g = g*d + a[2]
		g = g*d + a[1]
		g = g*d + a[0]
		// e^(-t²), with -t² in [-196, 0]: expAcc without its range checks.
		y := -t * t
		nr := y*invL + round
		n := nr - round
		r := (y - n*ln2hi) - n*ln2lo
		p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24))))
		ni := int64(int32(uint32(math.Float64bits(nr)))) // n as an integer
		e := p * exp2Frac[ni&31] * math.Float64frombits(uint64((ni>>5)+1023)<<52)
		tail := 0.5 * g * e
		if x >= 0 {
			buf[i] = x * (1 - tail)
		} else {
			buf[i] = x * tail
		}
	}
}

// geluExact returns x·Φ(x) with a relative error around 1e-10 (float32
// results are correctly rounded nearly always); -Inf gives NaN (-Inf·0)
// as PyTorch does. Reference:
//
//	return x / 2 * (1 + math.Erf(x/math.Sqrt2))
func geluExact(x float64) float64 {
	t := math.Abs(x) * (1 / math.Sqrt2)
	if !(t < geluTMax) { // also NaN
		if x > 0 || x != x {
			return x
		}
		return x * 0
	}
	i := int(t*(1/geluPiece) + 0.5)
	d := t - float64(i)*geluPiece
	a := &geluPoly[i]
	g := a[geluDeg]
	for n := geluDeg - 1; n >= 0; n-- {
		g = g*d + a[n]
	}
	tail := 0.5 * g * expAcc(-t*t) // 1 - Φ(|x|)
	if x >= 0 {
		return x * (1 - tail)
	}
	return x * tail
}
