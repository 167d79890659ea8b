//go:build amd64 && !noasm

#include "textflag.h"

// AVX-512 row kernels of LayerNorm, RMSNorm and GroupNorm (kernel_norm.go
// has the Go loops they match bit for bit). The float64 sums keep 16 lane
// partial sums in Z0 (lanes 0-7) and Z1 (lanes 8-15): element j of each
// 16-element block goes to lane j%16. They are then combined pairwise
// (lane i += lane i+8, i += i+4, i += i+2, 0 + 1), the order of
// laneReduce.

// REDUCE combines the lanes of Z0 and Z1 into X0's low double.
#define REDUCE \
	VADDPD Z1, Z0, Z0; \
	VEXTRACTF64X4 $1, Z0, Y1; \
	VADDPD Y1, Y0, Y0; \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPD X1, X0, X0; \
	VPERMILPD $1, X0, X1; \
	VADDSD X1, X0, X0

// NORM_LOOP writes dst = (row-mean)·rstd [·w] [+b] over CX elements (DI
// dst, SI row, R8 w, R9 b; Z4 mean, Z5 rstd), whole vectors then the tail
// under mask K1. MULW and ADDB apply w and b to Z0 from Z6 and Z7, which
// LOADW and LOADB fill (their T forms under the mask).
#define NORM_LOOP(LOADW, MULW, LOADB, ADDB, LOADWT, LOADBT, STEP) \
	MOVQ CX, BX; \
	SHRQ $4, BX; \
	JEQ tail; \
loop:; \
	VMOVUPS (SI), Z0; \
	VSUBPS Z4, Z0, Z0; \
	VMULPS Z5, Z0, Z0; \
	LOADW; \
	MULW; \
	LOADB; \
	ADDB; \
	VMOVUPS Z0, (DI); \
	ADDQ $64, SI; \
	ADDQ $64, DI; \
	STEP; \
	DECQ BX; \
	JNE loop; \
tail:; \
	ANDQ $15, CX; \
	JEQ done; \
	MOVL $1, AX; \
	SHLL CX, AX; \
	DECL AX; \
	KMOVW AX, K1; \
	VMOVUPS.Z (SI), K1, Z0; \
	VSUBPS Z4, Z0, Z0; \
	VMULPS Z5, Z0, Z0; \
	LOADWT; \
	MULW; \
	LOADBT; \
	ADDB; \
	VMOVUPS Z0, K1, (DI); \
done:; \
	VZEROUPPER; \
	RET

#define NORM_ARGS \
	MOVQ dst_base+0(FP), DI; \
	MOVQ dst_len+8(FP), CX; \
	MOVQ row_base+24(FP), SI; \
	VBROADCASTSS mean+48(FP), Z4; \
	VBROADCASTSS rstd+52(FP), Z5

#define LW VMOVUPS (R8), Z6
#define LB VMOVUPS (R9), Z7
#define LWT VMOVUPS.Z (R8), K1, Z6
#define LBT VMOVUPS.Z (R9), K1, Z7
#define MW VMULPS Z6, Z0, Z0
#define AB VADDPS Z7, Z0, Z0
#define SW ADDQ $64, R8
#define SWB ADDQ $64, R8; ADDQ $64, R9
#define NONE NOP

// func normSumAVX512(x []float32) float64
// len(x) is a multiple of 16 and at least 16.
TEXT ·normSumAVX512(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	SHRQ $4, CX
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
sumloop:
	VCVTPS2PD (SI), Z2
	VCVTPS2PD 32(SI), Z3
	VADDPD Z2, Z0, Z0
	VADDPD Z3, Z1, Z1
	ADDQ $64, SI
	DECQ CX
	JNE sumloop
	REDUCE
	MOVSD X0, ret+24(FP)
	VZEROUPPER
	RET

// func normSqDevAVX512(x []float32, mean float64) float64
// Σ (x-mean)², each term by a fused multiply-add; len(x) as above.
TEXT ·normSqDevAVX512(SB), NOSPLIT, $0-40
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	SHRQ $4, CX
	VBROADCASTSD mean+24(FP), Z4
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
sqloop:
	VCVTPS2PD (SI), Z2
	VCVTPS2PD 32(SI), Z3
	VSUBPD Z4, Z2, Z2
	VSUBPD Z4, Z3, Z3
	VFMADD231PD Z2, Z2, Z0
	VFMADD231PD Z3, Z3, Z1
	ADDQ $64, SI
	DECQ CX
	JNE sqloop
	REDUCE
	MOVSD X0, ret+32(FP)
	VZEROUPPER
	RET

// func normRowAVX512(dst, row []float32, mean, rstd float32)
TEXT ·normRowAVX512(SB), NOSPLIT, $0-56
	NORM_ARGS
	NORM_LOOP(NONE, NONE, NONE, NONE, NONE, NONE, NONE)

// func normRowWAVX512(dst, row []float32, mean, rstd float32, w []float32)
TEXT ·normRowWAVX512(SB), NOSPLIT, $0-80
	NORM_ARGS
	MOVQ w_base+56(FP), R8
	NORM_LOOP(LW, MW, NONE, NONE, LWT, NONE, SW)

// func normRowWBAVX512(dst, row []float32, mean, rstd float32, w, b []float32)
TEXT ·normRowWBAVX512(SB), NOSPLIT, $0-104
	NORM_ARGS
	MOVQ w_base+56(FP), R8
	MOVQ b_base+80(FP), R9
	NORM_LOOP(LW, MW, LB, AB, LWT, LBT, SWB)
