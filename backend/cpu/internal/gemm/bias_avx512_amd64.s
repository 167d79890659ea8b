//go:build amd64 && !noasm

#include "textflag.h"

// func addBiasAVX512(c *float32, ldc int, bias *float32, rows, n16 int)
// c[i*ldc+j] += bias[j] for i < rows, j < 16·n16: one rounded addition per
// element, the same bits as the Go loop of addBias.
TEXT ·addBiasAVX512(SB), NOSPLIT, $0-40
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R10
	SHLQ $2, R10
	MOVQ bias+16(FP), SI
	MOVQ rows+24(FP), BX
	MOVQ n16+32(FP), R11

rowloop:
	MOVQ DI, R8
	MOVQ SI, R9
	MOVQ R11, CX

colloop:
	VMOVUPS (R8), Z0
	VADDPS (R9), Z0, Z0
	VMOVUPS Z0, (R8)
	ADDQ $64, R8
	ADDQ $64, R9
	DECQ CX
	JNE colloop
	ADDQ R10, DI
	DECQ BX
	JNE rowloop
	VZEROUPPER
	RET
