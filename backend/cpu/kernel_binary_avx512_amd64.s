//go:build amd64 && !noasm

#include "textflag.h"

// AVX-512 loops of binaryKernel for Add, Sub, Mul and Div: dst = a OP b
// with both operands vectors (VV), b a scalar b[0] (VS) or a a scalar
// a[0] (SV). IEEE rounds each result correctly, so they give the same
// bits as the Go loops. Whole vectors first, then the last len(dst)%16
// elements under the lane mask K1. len(dst) must be at least 1.

// BIN_LOOP runs OP (Z1 op Z2 into Z0) over dst_len elements, with LOADA
// and LOADB (and their masked forms LOADAT and LOADBT) fetching the
// vector operands from SI and DX; a scalar operand is broadcast before.
#define BIN_LOOP(OP, LOADA, LOADB, LOADAT, LOADBT) \
	MOVQ CX, BX; \
	SHRQ $4, BX; \
	JEQ tail; \
loop:; \
	LOADA; \
	LOADB; \
	OP Z2, Z1, Z0; \
	VMOVUPS Z0, (DI); \
	ADDQ $64, SI; \
	ADDQ $64, DX; \
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
	LOADAT; \
	LOADBT; \
	OP Z2, Z1, Z0; \
	VMOVUPS Z0, K1, (DI); \
done:; \
	VZEROUPPER; \
	RET

#define ARGS \
	MOVQ dst_base+0(FP), DI; \
	MOVQ dst_len+8(FP), CX; \
	MOVQ a_base+24(FP), SI; \
	MOVQ b_base+48(FP), DX

#define LA VMOVUPS (SI), Z1
#define LB VMOVUPS (DX), Z2
#define LAT VMOVUPS.Z (SI), K1, Z1
#define LBT VMOVUPS.Z (DX), K1, Z2
#define NONE NOP

#define VV(OP) ARGS; BIN_LOOP(OP, LA, LB, LAT, LBT)
#define VS(OP) ARGS; VBROADCASTSS (DX), Z2; BIN_LOOP(OP, LA, NONE, LAT, NONE)
#define SV(OP) ARGS; VBROADCASTSS (SI), Z1; BIN_LOOP(OP, NONE, LB, NONE, LBT)

// func addVVAVX512(dst, a, b []float32)
TEXT ·addVVAVX512(SB), NOSPLIT, $0-72
	VV(VADDPS)

// func subVVAVX512(dst, a, b []float32)
TEXT ·subVVAVX512(SB), NOSPLIT, $0-72
	VV(VSUBPS)

// func mulVVAVX512(dst, a, b []float32)
TEXT ·mulVVAVX512(SB), NOSPLIT, $0-72
	VV(VMULPS)

// func divVVAVX512(dst, a, b []float32)
TEXT ·divVVAVX512(SB), NOSPLIT, $0-72
	VV(VDIVPS)

// func addVSAVX512(dst, a, b []float32)
TEXT ·addVSAVX512(SB), NOSPLIT, $0-72
	VS(VADDPS)

// func subVSAVX512(dst, a, b []float32)
TEXT ·subVSAVX512(SB), NOSPLIT, $0-72
	VS(VSUBPS)

// func mulVSAVX512(dst, a, b []float32)
TEXT ·mulVSAVX512(SB), NOSPLIT, $0-72
	VS(VMULPS)

// func divVSAVX512(dst, a, b []float32)
TEXT ·divVSAVX512(SB), NOSPLIT, $0-72
	VS(VDIVPS)

// func addSVAVX512(dst, a, b []float32)
TEXT ·addSVAVX512(SB), NOSPLIT, $0-72
	SV(VADDPS)

// func subSVAVX512(dst, a, b []float32)
TEXT ·subSVAVX512(SB), NOSPLIT, $0-72
	SV(VSUBPS)

// func mulSVAVX512(dst, a, b []float32)
TEXT ·mulSVAVX512(SB), NOSPLIT, $0-72
	SV(VMULPS)

// func divSVAVX512(dst, a, b []float32)
TEXT ·divSVAVX512(SB), NOSPLIT, $0-72
	SV(VDIVPS)
