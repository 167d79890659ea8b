package half

import (
	"encoding/binary"
	"math"

	"github.com/x448/float16"
)

// F16ToF32 widens len(dst) little-endian binary16 values from src.
func F16ToF32(dst []float32, src []byte) {
	_ = src[2*len(dst)-1]
	for i := range dst {
		dst[i] = float16.Frombits(binary.LittleEndian.Uint16(src[2*i:])).Float32()
	}
}

// BF16ToF32 widens len(dst) little-endian bfloat16 values from src.
func BF16ToF32(dst []float32, src []byte) {
	_ = src[2*len(dst)-1]
	for i := range dst {
		dst[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(src[2*i:])) << 16)
	}
}

// F32ToF16 narrows src into dst (2 bytes each), rounding to nearest even.
func F32ToF16(dst []byte, src []float32) {
	_ = dst[2*len(src)-1]
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], float16.Fromfloat32(v).Bits())
	}
}

// F32ToBF16 narrows src into dst (2 bytes each), rounding to nearest even.
func F32ToBF16(dst []byte, src []float32) {
	_ = dst[2*len(src)-1]
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], BF16Bits(v))
	}
}

// BF16Bits returns the bfloat16 nearest to v (ties to even); NaN stays NaN.
func BF16Bits(v float32) uint16 {
	b := math.Float32bits(v)
	if b&0x7fffffff > 0x7f800000 { // NaN: keep sign, force a quiet payload
		return uint16(b>>16) | 0x40
	}
	b += 0x7fff + (b>>16)&1
	return uint16(b >> 16)
}
