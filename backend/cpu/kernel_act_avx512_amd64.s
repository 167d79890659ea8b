//go:build amd64 && !noasm

#include "textflag.h"

// AVX-512 versions of the float32 activations of kernel_act.go, 16 lanes
// at a time with fused multiply-adds. Each function processes len(dst)
// elements: whole vectors in the loop, then the last len(dst)%16 with the
// lane mask K1 (masked loads do not touch memory past the slice).

// BCAST sets the 16 lanes of z to the float32 bit pattern bits.
#define BCAST(bits, z) MOVL $bits, AX; VPBROADCASTD AX, z

// EXP_CONSTS loads the constants of EXP (the float32 values of exp32's):
// Z31 = -104 and Z30 = 89 (the clamp: e^x is 0 below and +Inf above),
// Z29 = log2(e), Z28 = 1.5·2²³ (rounding magic), Z27, Z26 = ln2 in two
// parts, Z25..Z20 = the polynomial P5..P0, Z19 = 1.
#define EXP_CONSTS \
	BCAST(0xc2d00000, Z31); \
	BCAST(0x42b20000, Z30); \
	BCAST(0x3fb8aa3b, Z29); \
	BCAST(0x4b400000, Z28); \
	BCAST(0x3f318000, Z27); \
	BCAST(0xb95e8083, Z26); \
	BCAST(0x39506967, Z25); \
	BCAST(0x3ab743ce, Z24); \
	BCAST(0x3c088908, Z23); \
	BCAST(0x3d2aa9c1, Z22); \
	BCAST(0x3e2aaaaa, Z21); \
	BCAST(0x3f000000, Z20); \
	BCAST(0x3f800000, Z19)

// EXP replaces Z0 by e^Z0 with exp32's method: clamp, n = round(x·log2e),
// r = x - n·ln2hi - n·ln2lo, y = 1 + r + r²·P(r), then VSCALEFPS applies
// 2ⁿ with gradual underflow and overflow to +Inf. NaN stays NaN: VMAXPS and
// VMINPS return their first Go operand when one input is NaN. Uses Z1-Z3.
#define EXP \
	VMAXPS Z0, Z31, Z0; \
	VMINPS Z0, Z30, Z0; \
	VMOVAPS Z28, Z1; \
	VFMADD231PS Z29, Z0, Z1; \
	VSUBPS Z28, Z1, Z1; \
	VFNMADD231PS Z27, Z1, Z0; \
	VFNMADD231PS Z26, Z1, Z0; \
	VMULPS Z0, Z0, Z2; \
	VMOVAPS Z25, Z3; \
	VFMADD213PS Z24, Z0, Z3; \
	VFMADD213PS Z23, Z0, Z3; \
	VFMADD213PS Z22, Z0, Z3; \
	VFMADD213PS Z21, Z0, Z3; \
	VFMADD213PS Z20, Z0, Z3; \
	VFMADD213PS Z0, Z2, Z3; \
	VADDPS Z19, Z3, Z3; \
	VSCALEFPS Z1, Z3, Z0

// SIGMOID replaces Z0 by σ(Z4) with e = e^-|x|: (x >= 0 ? 1 : e)/(1+e).
// Needs Z18 = sign bit, Z17 = 0; uses Z1-Z3 and K2.
#define SIGMOID \
	VPORD Z18, Z4, Z0; \
	EXP; \
	VADDPS Z19, Z0, Z1; \
	VCMPPS $0x1d, Z17, Z4, K2; \
	VBLENDMPS Z19, Z0, K2, Z2; \
	VDIVPS Z1, Z2, Z0

// UNARY_LOOP runs BODY (input Z4, result Z0) over dst_len elements.
#define UNARY_LOOP(BODY) \
	MOVQ dst_base+0(FP), DI; \
	MOVQ dst_len+8(FP), CX; \
	MOVQ src_base+24(FP), SI; \
	MOVQ CX, BX; \
	SHRQ $4, BX; \
	JEQ tail; \
loop:; \
	VMOVUPS (SI), Z4; \
	BODY; \
	VMOVUPS Z0, (DI); \
	ADDQ $64, SI; \
	ADDQ $64, DI; \
	DECQ BX; \
	JNE loop; \
tail:; \
	ANDQ $15, CX; \
	JEQ done; \
	MOVL $1, AX; \
	SHLL CX, AX; \
	DECL AX; \
	KMOVW AX, K1; \
	VMOVUPS.Z (SI), K1, Z4; \
	BODY; \
	VMOVUPS Z0, K1, (DI); \
done:; \
	VZEROUPPER; \
	RET

#define EXP_BODY VMOVAPS Z4, Z0; EXP
#define SILU_BODY SIGMOID; VMULPS Z4, Z0, Z0

// GELU_BODY: x·σ(x·(c1 + c2·x²)), x kept in Z5.
#define GELU_BODY \
	VMOVAPS Z4, Z5; \
	VMULPS Z5, Z5, Z4; \
	VFMADD213PS Z16, Z15, Z4; \
	VMULPS Z5, Z4, Z4; \
	SIGMOID; \
	VMULPS Z5, Z0, Z0

// func expAVX512(dst, src []float32)
TEXT ·expAVX512(SB), NOSPLIT, $0-48
	EXP_CONSTS
	UNARY_LOOP(EXP_BODY)

// func sigmoidAVX512(dst, src []float32)
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-48
	EXP_CONSTS
	BCAST(0x80000000, Z18)
	VPXORD Z17, Z17, Z17
	UNARY_LOOP(SIGMOID)

// func siluAVX512(dst, src []float32)
TEXT ·siluAVX512(SB), NOSPLIT, $0-48
	EXP_CONSTS
	BCAST(0x80000000, Z18)
	VPXORD Z17, Z17, Z17
	UNARY_LOOP(SILU_BODY)

// func geluTanhAVX512(dst, src []float32)
TEXT ·geluTanhAVX512(SB), NOSPLIT, $0-48
	EXP_CONSTS
	BCAST(0x80000000, Z18)
	VPXORD Z17, Z17, Z17
	BCAST(0x3fcc422a, Z16) // 2·√(2/π)
	BCAST(0x3d922279, Z15) // 2·√(2/π)·0.044715
	UNARY_LOOP(GELU_BODY)

// SNAKE replaces Z0 = x by x + sin(α·x)²·inv (sinSq32's method: u = α·x,
// n = round(u·2/π) whose parity picks cos r over sin r, r = u - n·π/2 in
// three parts) and sets in K2 the lanes with !(|u| <= 8192), whose result
// the caller redoes. Uses Z4-Z13 and K4; constants in Z14-Z31 (below).
#define SNAKE \
	VMULPS Z0, Z31, Z4; \
	VPANDD Z29, Z4, Z5; \
	VCMPPS $0x16, Z28, Z5, K2; \
	VMOVAPS Z26, Z6; \
	VFMADD231PS Z27, Z4, Z6; \
	VSUBPS Z26, Z6, Z7; \
	VPTESTMD Z25, Z6, K4; \
	VFNMADD231PS Z24, Z7, Z4; \
	VFNMADD231PS Z23, Z7, Z4; \
	VFNMADD231PS Z22, Z7, Z4; \
	VMULPS Z4, Z4, Z8; \
	VMOVAPS Z21, Z9; \
	VFMADD213PS Z20, Z8, Z9; \
	VFMADD213PS Z19, Z8, Z9; \
	VMULPS Z4, Z8, Z10; \
	VFMADD213PS Z4, Z10, Z9; \
	VMOVAPS Z18, Z11; \
	VFMADD213PS Z17, Z8, Z11; \
	VFMADD213PS Z16, Z8, Z11; \
	VMULPS Z8, Z8, Z12; \
	VMOVAPS Z15, Z13; \
	VFNMADD231PS Z14, Z8, Z13; \
	VFMADD213PS Z13, Z12, Z11; \
	VBLENDMPS Z11, Z9, K4, Z9; \
	VMULPS Z9, Z9, Z9; \
	VMULPS Z30, Z9, Z9; \
	VADDPS Z9, Z0, Z0

// func snakeAVX512(dst, x []float32, a, inv float32) (large bool)
TEXT ·snakeAVX512(SB), NOSPLIT, $0-57
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	VBROADCASTSS a+48(FP), Z31
	VBROADCASTSS inv+52(FP), Z30
	BCAST(0x7fffffff, Z29) // |·| mask
	BCAST(0x46000000, Z28) // 8192
	BCAST(0x3f22f983, Z27) // 2/π
	BCAST(0x4b400000, Z26) // 1.5·2²³
	MOVL $1, AX
	VPBROADCASTD AX, Z25   // integer 1
	BCAST(0x3fc90000, Z24) // π/2 part 1
	BCAST(0x39fda000, Z23) // π/2 part 2
	BCAST(0x33a22169, Z22) // π/2 part 3
	BCAST(0xb94ca1f9, Z21) // S3
	BCAST(0x3c08839e, Z20) // S2
	BCAST(0xbe2aaaa3, Z19) // S1
	BCAST(0x37ccf5ce, Z18) // C3
	BCAST(0xbab6061a, Z17) // C2
	BCAST(0x3d2aaaa5, Z16) // C1
	BCAST(0x3f800000, Z15) // 1
	BCAST(0x3f000000, Z14) // 0.5
	KXORW K3, K3, K3
	MOVQ CX, BX
	SHRQ $4, BX
	JEQ stail

sloop:
	VMOVUPS (SI), Z0
	SNAKE
	KORW K2, K3, K3
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ BX
	JNE sloop

stail:
	ANDQ $15, CX
	JEQ sdone
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1
	VMOVUPS.Z (SI), K1, Z0
	SNAKE
	KANDW K1, K2, K2
	KORW K2, K3, K3
	VMOVUPS Z0, K1, (DI)

sdone:
	KORTESTW K3, K3
	SETNE AL
	MOVB AL, large+56(FP)
	VZEROUPPER
	RET
