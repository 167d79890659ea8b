//go:build amd64 && !noasm

#include "textflag.h"

// AVX2 loops of binaryKernel for Add, Sub, Mul and Div, as in
// kernel_binary_avx512_amd64.s with 8 lanes; the last len(dst)%8
// elements go through VMASKMOVPS with a lane mask from bmaskt<>.
// len(dst) must be at least 1.

// bmaskt<>: eight all-ones lanes then eight zero lanes.
DATA bmaskt<>+0(SB)/8, $0xffffffffffffffff
DATA bmaskt<>+8(SB)/8, $0xffffffffffffffff
DATA bmaskt<>+16(SB)/8, $0xffffffffffffffff
DATA bmaskt<>+24(SB)/8, $0xffffffffffffffff
DATA bmaskt<>+32(SB)/8, $0
DATA bmaskt<>+40(SB)/8, $0
DATA bmaskt<>+48(SB)/8, $0
DATA bmaskt<>+56(SB)/8, $0
GLOBL bmaskt<>(SB), RODATA|NOPTR, $64

#define BIN2_LOOP(OP, LOADA, LOADB, LOADAT, LOADBT) \
	MOVQ CX, BX; \
	SHRQ $3, BX; \
	JEQ tail; \
loop:; \
	LOADA; \
	LOADB; \
	OP Y2, Y1, Y0; \
	VMOVUPS Y0, (DI); \
	ADDQ $32, SI; \
	ADDQ $32, DX; \
	ADDQ $32, DI; \
	DECQ BX; \
	JNE loop; \
tail:; \
	ANDQ $7, CX; \
	JEQ done; \
	LEAQ bmaskt<>(SB), AX; \
	MOVQ $8, R8; \
	SUBQ CX, R8; \
	VMOVUPS (AX)(R8*4), Y15; \
	LOADAT; \
	LOADBT; \
	OP Y2, Y1, Y0; \
	VMASKMOVPS Y0, Y15, (DI); \
done:; \
	VZEROUPPER; \
	RET

#define ARGS2 \
	MOVQ dst_base+0(FP), DI; \
	MOVQ dst_len+8(FP), CX; \
	MOVQ a_base+24(FP), SI; \
	MOVQ b_base+48(FP), DX

#define LA2 VMOVUPS (SI), Y1
#define LB2 VMOVUPS (DX), Y2
#define LAT2 VMASKMOVPS (SI), Y15, Y1
#define LBT2 VMASKMOVPS (DX), Y15, Y2
#define NONE2 NOP

#define VV2(OP) ARGS2; BIN2_LOOP(OP, LA2, LB2, LAT2, LBT2)
#define VS2(OP) ARGS2; VBROADCASTSS (DX), Y2; BIN2_LOOP(OP, LA2, NONE2, LAT2, NONE2)
#define SV2(OP) ARGS2; VBROADCASTSS (SI), Y1; BIN2_LOOP(OP, NONE2, LB2, NONE2, LBT2)

// func addVVAVX2(dst, a, b []float32)
TEXT ·addVVAVX2(SB), NOSPLIT, $0-72
	VV2(VADDPS)

// func subVVAVX2(dst, a, b []float32)
TEXT ·subVVAVX2(SB), NOSPLIT, $0-72
	VV2(VSUBPS)

// func mulVVAVX2(dst, a, b []float32)
TEXT ·mulVVAVX2(SB), NOSPLIT, $0-72
	VV2(VMULPS)

// func divVVAVX2(dst, a, b []float32)
TEXT ·divVVAVX2(SB), NOSPLIT, $0-72
	VV2(VDIVPS)

// func addVSAVX2(dst, a, b []float32)
TEXT ·addVSAVX2(SB), NOSPLIT, $0-72
	VS2(VADDPS)

// func subVSAVX2(dst, a, b []float32)
TEXT ·subVSAVX2(SB), NOSPLIT, $0-72
	VS2(VSUBPS)

// func mulVSAVX2(dst, a, b []float32)
TEXT ·mulVSAVX2(SB), NOSPLIT, $0-72
	VS2(VMULPS)

// func divVSAVX2(dst, a, b []float32)
TEXT ·divVSAVX2(SB), NOSPLIT, $0-72
	VS2(VDIVPS)

// func addSVAVX2(dst, a, b []float32)
TEXT ·addSVAVX2(SB), NOSPLIT, $0-72
	SV2(VADDPS)

// func subSVAVX2(dst, a, b []float32)
TEXT ·subSVAVX2(SB), NOSPLIT, $0-72
	SV2(VSUBPS)

// func mulSVAVX2(dst, a, b []float32)
TEXT ·mulSVAVX2(SB), NOSPLIT, $0-72
	SV2(VMULPS)

// func divSVAVX2(dst, a, b []float32)
TEXT ·divSVAVX2(SB), NOSPLIT, $0-72
	SV2(VDIVPS)
