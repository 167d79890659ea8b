package half

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/x448/float16"
)

// f16Value decodes binary16 bits from the IEEE 754 definition, in float64.
func f16Value(u uint16) float64 {
	sign := 1.0
	if u&0x8000 != 0 {
		sign = -1
	}
	e, m := int(u>>10&0x1f), float64(u&0x3ff)
	switch e {
	case 0:
		return sign * m * math.Ldexp(1, -24)
	case 0x1f:
		if m != 0 {
			return math.NaN()
		}
		return sign * math.Inf(1)
	}
	return sign * (1 + m/1024) * math.Ldexp(1, e-15)
}

// bf16Value decodes bfloat16 bits (8 exponent, 7 mantissa bits) in float64.
func bf16Value(u uint16) float64 {
	sign := 1.0
	if u&0x8000 != 0 {
		sign = -1
	}
	e, m := int(u>>7&0xff), float64(u&0x7f)
	switch e {
	case 0:
		return sign * m * math.Ldexp(1, -133)
	case 0xff:
		if m != 0 {
			return math.NaN()
		}
		return sign * math.Inf(1)
	}
	return sign * (1 + m/128) * math.Ldexp(1, e-127)
}

// allBits returns every 16-bit pattern, little-endian, and the patterns.
func allBits() ([]byte, []uint16) {
	src := make([]byte, 2*65536)
	pats := make([]uint16, 65536)
	for i := range pats {
		pats[i] = uint16(i)
		binary.LittleEndian.PutUint16(src[2*i:], uint16(i))
	}
	return src, pats
}

func sameValue(got float32, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(float64(got))
	}
	// Exact, including the sign of zero.
	return float64(got) == want && math.Signbit(float64(got)) == math.Signbit(want)
}

func TestF16ToF32AllPatterns(t *testing.T) {
	src, pats := allBits()
	dst := make([]float32, len(pats))
	F16ToF32(dst, src)
	bad := 0
	for i, u := range pats {
		ref := float16.Frombits(u).Float32()
		if math.Float32bits(dst[i]) != math.Float32bits(ref) || !sameValue(dst[i], f16Value(u)) {
			if bad++; bad <= 5 {
				t.Errorf("f16 %#04x: got %g (%#08x), x448 %g (%#08x), definition %g", u, dst[i], math.Float32bits(dst[i]), ref, math.Float32bits(ref), f16Value(u))
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of 65536 patterns differ", bad)
	}
}

// Every finite f16 value survives f32 and back; NaNs stay NaN.
func TestF32ToF16RoundTripAllPatterns(t *testing.T) {
	src, pats := allBits()
	wide := make([]float32, len(pats))
	F16ToF32(wide, src)
	back := make([]byte, len(src))
	F32ToF16(back, wide)
	for i, u := range pats {
		got := binary.LittleEndian.Uint16(back[2*i:])
		if math.IsNaN(float64(wide[i])) {
			if !math.IsNaN(f16Value(got)) {
				t.Errorf("NaN %#04x narrowed to non-NaN %#04x", u, got)
			}
			continue
		}
		if got != u {
			t.Errorf("f16 %#04x -> %g -> %#04x", u, wide[i], got)
		}
	}
}

// F32ToF16 rounds to the nearest binary16 (ties to even), checked against
// x448/float16 and against a float64 search over the two neighbours.
func TestF32ToF16Rounding(t *testing.T) {
	vals := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 65504, 65520, 65519.996, 1e-8, 2.9802322e-08, 5.9604645e-08,
		8.940697e-08, 6.1035156e-05, 6.097555e-05, 1 + 1.0/2048, 1 + 3.0/2048, 1 + 1.0/4096, float32(math.Inf(1)), float32(math.Inf(-1)), 1e10, -3.1415927}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		vals = append(vals, math.Float32frombits(r.Uint32()&0xbfffffff|0x30000000)) // around the f16 range
	}
	dst := make([]byte, 2*len(vals))
	F32ToF16(dst, vals)
	for i, v := range vals {
		got := binary.LittleEndian.Uint16(dst[2*i:])
		if ref := float16.Fromfloat32(v).Bits(); got != ref {
			t.Fatalf("%g: got %#04x, x448 %#04x", v, got, ref)
		}
		if want := nearest16(float64(v), f16Value); got != want && !math.IsNaN(float64(v)) {
			t.Fatalf("%g: got %#04x (%g), nearest is %#04x (%g)", v, got, f16Value(got), want, f16Value(want))
		}
	}
}

// nearest16 finds the 16-bit pattern whose value (per decode) is nearest to
// v, ties to the even pattern, overflow to infinity as IEEE does: values at
// or beyond max+half an ulp round to infinity.
func nearest16(v float64, decode func(uint16) float64) uint16 {
	sign := uint16(0)
	if math.Signbit(v) {
		sign, v = 0x8000, -v
	}
	// Binary search the largest positive finite pattern with value <= v.
	lo, hi := uint16(0), uint16(0x7fff)
	for math.IsNaN(decode(hi)) || math.IsInf(decode(hi), 0) {
		hi--
	}
	maxFinite := hi
	hi = maxFinite
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if decode(mid) <= v {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	below := lo
	if decode(below) == v {
		return sign | below
	}
	above := below + 1
	ulp := decode(above) - decode(below)
	if below == maxFinite {
		ulp = decode(below) - decode(below-1)
		if v-decode(below) >= ulp/2 {
			return sign | (below + 1) // infinity
		}
		return sign | below
	}
	dl, da := v-decode(below), decode(above)-v
	switch {
	case dl < da:
		return sign | below
	case da < dl:
		return sign | above
	case below%2 == 0:
		return sign | below
	}
	return sign | above
}

func TestBF16ToF32AllPatterns(t *testing.T) {
	src, pats := allBits()
	dst := make([]float32, len(pats))
	BF16ToF32(dst, src)
	for i, u := range pats {
		if !sameValue(dst[i], bf16Value(u)) {
			t.Errorf("bf16 %#04x: got %g, definition %g", u, dst[i], bf16Value(u))
		}
		if !math.IsNaN(float64(dst[i])) && math.Float32bits(dst[i]) != uint32(u)<<16 {
			t.Errorf("bf16 %#04x: bits %#08x, want the upper half", u, math.Float32bits(dst[i]))
		}
	}
}

func TestBF16BitsHandPicked(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   uint32
		want uint16
	}{
		{"one", 0x3f800000, 0x3f80},
		{"below tie", 0x3f807fff, 0x3f80},
		{"tie to even (down)", 0x3f808000, 0x3f80},
		{"above tie", 0x3f808001, 0x3f81},
		{"tie to even (up)", 0x3f818000, 0x3f82},
		{"negative tie to even", 0xbf818000, 0xbf82},
		{"carry into exponent", 0x3fffc000, 0x4000},
		{"max float32 overflows", 0x7f7fffff, 0x7f80},
		{"below overflow", 0x7f7f7fff, 0x7f7f},
		{"tie at max to even inf", 0x7f7f8000, 0x7f80},
		{"+inf", 0x7f800000, 0x7f80},
		{"-inf", 0xff800000, 0xff80},
		{"+0", 0, 0},
		{"-0", 0x80000000, 0x8000},
		{"smallest subnormal to 0", 0x00000001, 0x0000},
		{"subnormal tie to even 0", 0x00008000, 0x0000},
		{"subnormal above tie", 0x00008001, 0x0001},
		{"subnormal tie to even up", 0x00018000, 0x0002},
		{"largest subnormal to min normal", 0x007fffff, 0x0080},
		{"negative subnormal", 0x80018000, 0x8002},
		{"quiet NaN", 0x7fc00000, 0x7fc0},
		{"signalling NaN stays NaN", 0x7f800001, 0x7fc0},
		{"NaN payload in low half", 0x7f80ffff, 0x7fc0},
		{"negative NaN", 0xff800001, 0xffc0},
		{"NaN high payload", 0x7fa00000, 0x7fe0},
	} {
		if got := BF16Bits(math.Float32frombits(tc.in)); got != tc.want {
			t.Errorf("%s: BF16Bits(%#08x) = %#04x, want %#04x", tc.name, tc.in, got, tc.want)
		}
	}
}

// BF16Bits agrees with a float64 nearest-even search on random float32s, and
// F32ToBF16 stores the same bits little-endian.
func TestBF16BitsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vals := make([]float32, 20000)
	for i := range vals {
		for {
			vals[i] = math.Float32frombits(r.Uint32())
			if !math.IsNaN(float64(vals[i])) {
				break
			}
		}
	}
	dst := make([]byte, 2*len(vals))
	F32ToBF16(dst, vals)
	for i, v := range vals {
		got := binary.LittleEndian.Uint16(dst[2*i:])
		if got != BF16Bits(v) {
			t.Fatalf("F32ToBF16 and BF16Bits disagree at %g", v)
		}
		if want := nearest16(float64(v), bf16Value); got != want {
			t.Fatalf("%g (%#08x): got %#04x, nearest even is %#04x", v, math.Float32bits(v), got, want)
		}
	}
}
