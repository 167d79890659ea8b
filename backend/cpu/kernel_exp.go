package cpu

import "math"

// exp2Frac holds 2^(j/32) for j = 0..31.
var exp2Frac [32]float64

func init() {
	for j := range exp2Frac {
		exp2Frac[j] = math.Exp2(float64(j) / 32)
	}
}

// expAcc returns e^x with a relative error below 1e-11, enough for a
// result rounded to float32 (Softmax and GELU use it; the float32
// activations use exp32 of kernel_act.go). Arguments below -110 give 0,
// arguments above 90 give e^90 (which overflows float32 to +Inf); NaN
// stays NaN.
//
// Method: x = (n/32)·ln2 + r with n = round(32x/ln2), |r| <= ln2/64 (ln2
// split in two parts so that n·ln2hi is exact); e^r by its Taylor series
// to degree 4 (truncation error < 2e-12); 2^(n/32) as 2^(n>>5) in the
// exponent bits times a table entry 2^((n&31)/32). Reference:
//
//	return math.Exp(x)
func expAcc(x float64) float64 {
	const (
		invL  = 32 * 1.44269504088896340736     // 32/ln2
		ln2hi = 6.93147180369123816490e-01 / 32 // ln2/32, upper bits (exact n·ln2hi)
		ln2lo = 1.90821492927058770002e-10 / 32 // ln2/32 - ln2hi
		round = 6755399441055744.0              // 1.5·2^52: adding it rounds to an integer
	)
	switch {
	case x != x:
		return x
	case x < -110:
		return 0
	case x > 90:
		x = 90
	}
	n := (x*invL + round) - round
	r := (x - n*ln2hi) - n*ln2lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24))))
	ni := int64(n)
	return p * exp2Frac[ni&31] * math.Float64frombits(uint64((ni>>5)+1023)<<52)
}
