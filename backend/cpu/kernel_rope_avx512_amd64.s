//go:build amd64 && !noasm

#include "textflag.h"

// AVX-512 loops of ropeRow. Every product is rounded before the sum, as in
// the Go loops (no fused multiply-add), so both give the same bits.

// ropeIdx duplicates each of 8 cosines or sines into a feature pair.
DATA ropeIdx<>+0(SB)/4, $0
DATA ropeIdx<>+4(SB)/4, $0
DATA ropeIdx<>+8(SB)/4, $1
DATA ropeIdx<>+12(SB)/4, $1
DATA ropeIdx<>+16(SB)/4, $2
DATA ropeIdx<>+20(SB)/4, $2
DATA ropeIdx<>+24(SB)/4, $3
DATA ropeIdx<>+28(SB)/4, $3
DATA ropeIdx<>+32(SB)/4, $4
DATA ropeIdx<>+36(SB)/4, $4
DATA ropeIdx<>+40(SB)/4, $5
DATA ropeIdx<>+44(SB)/4, $5
DATA ropeIdx<>+48(SB)/4, $6
DATA ropeIdx<>+52(SB)/4, $6
DATA ropeIdx<>+56(SB)/4, $7
DATA ropeIdx<>+60(SB)/4, $7
GLOBL ropeIdx<>(SB), RODATA|NOPTR, $64

// func ropeHalfAVX512(dst, x, cos, sin []float32)
// Pairs (j, j+h) for the first h&^15 of h = len(cos) pairs:
// dst[j] = x[j]·c - x[j+h]·s, dst[j+h] = x[j+h]·c + x[j]·s.
TEXT ·ropeHalfAVX512(SB), NOSPLIT, $0-96
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ cos_base+48(FP), R8
	MOVQ cos_len+56(FP), CX
	MOVQ sin_base+72(FP), R9
	MOVQ CX, DX
	SHLQ $2, DX                   // byte offset of the second half
	SHRQ $4, CX
	JEQ hdone

hloop:
	VMOVUPS (SI), Z0              // a
	VMOVUPS (SI)(DX*1), Z1        // b
	VMOVUPS (R8), Z2              // c
	VMOVUPS (R9), Z3              // s
	VMULPS Z2, Z0, Z4             // a·c
	VMULPS Z3, Z1, Z5             // b·s
	VSUBPS Z5, Z4, Z4
	VMOVUPS Z4, (DI)
	VMULPS Z2, Z1, Z4             // b·c
	VMULPS Z3, Z0, Z5             // a·s
	VADDPS Z5, Z4, Z4
	VMOVUPS Z4, (DI)(DX*1)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, R8
	ADDQ $64, R9
	DECQ CX
	JNE hloop

hdone:
	VZEROUPPER
	RET

// func ropePairsAVX512(dst, x, cos, sin []float32)
// Pairs (2j, 2j+1) for the first len(cos)&^7 pairs:
// out = x·[c0 c0 c1 c1 ...] + swap(x)·[-s0 s0 -s1 s1 ...].
TEXT ·ropePairsAVX512(SB), NOSPLIT, $0-96
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ cos_base+48(FP), R8
	MOVQ cos_len+56(FP), CX
	MOVQ sin_base+72(FP), R9
	SHRQ $3, CX
	JEQ pdone
	VMOVUPS ropeIdx<>(SB), Z10
	MOVL $0x5555, AX
	KMOVW AX, K1                  // even lanes: the first of each pair
	MOVL $0x80000000, AX
	VPBROADCASTD AX, Z7           // sign bit

ploop:
	VMOVUPS (SI), Z0              // x
	VPERMILPS $0xb1, Z0, Z1       // x with each pair swapped
	VMOVUPS (R8), Y2
	VPERMPS Z2, Z10, Z2           // c per feature
	VMOVUPS (R9), Y3
	VPERMPS Z3, Z10, Z3           // s per feature
	VMULPS Z2, Z0, Z4             // x·c
	VMULPS Z3, Z1, Z5             // swap(x)·s
	VPXORD Z7, Z5, K1, Z5         // negate the even lanes: -(b·s), exactly
	VADDPS Z5, Z4, Z4
	VMOVUPS Z4, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNE ploop

pdone:
	VZEROUPPER
	RET
