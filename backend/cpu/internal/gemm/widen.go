package gemm

// WidenF16 converts len(dst) little-endian IEEE binary16 values from src
// to float32 (exactly), with the AVX-512 widening of the packing code
// where the CPU has it and internal/half otherwise.
func WidenF16(dst []float32, src []byte) { widenAll(dst, src, f16) }

// WidenBF16 converts len(dst) little-endian bfloat16 values from src to
// float32 (exactly), like WidenF16.
func WidenBF16(dst []float32, src []byte) { widenAll(dst, src, bf16) }

// widenAll widens len(dst) values of the given kind.
func widenAll(dst []float32, src []byte, kind elemKind) {
	if len(dst) == 0 {
		return
	}
	_ = src[2*len(dst)-1]
	done := widenFast(dst, src, kind)
	if done < len(dst) {
		widen(dst[done:], src[2*done:], kind)
	}
}
