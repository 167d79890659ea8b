//go:build amd64 && !noasm

#include "textflag.h"

// EXP_BODY sets Z4 = e^(Z0 - mx) (0 below the range, NaN for NaN), with
// the constants loaded by expSubAVX512; it uses K1 and Z1-Z3. The range
// test is "not less than" with the unordered predicate, true for NaN, so a
// NaN score keeps its NaN (an ordered >= would zero it: a weight of 0).
#define EXP_BODY \
	VSUBPS Z20, Z0, Z0; \
	VCMPPS $0x15, Z22, Z0, K1; \
	VMOVAPS Z24, Z1; \
	VFMADD231PS Z23, Z0, Z1; \
	VPSUBD Z24, Z1, Z2; \
	VSUBPS Z24, Z1, Z1; \
	VFNMADD231PS Z25, Z1, Z0; \
	VFNMADD231PS Z26, Z1, Z0; \
	VMULPS Z0, Z0, Z3; \
	VMOVAPS Z27, Z4; \
	VFMADD213PS Z28, Z0, Z4; \
	VFMADD213PS Z29, Z0, Z4; \
	VFMADD213PS Z30, Z0, Z4; \
	VFMADD213PS Z31, Z0, Z4; \
	VFMADD213PS Z19, Z0, Z4; \
	VFMADD213PS Z0, Z3, Z4; \
	VADDPS Z18, Z4, Z4; \
	VPADDD Z17, Z2, Z2; \
	VPSLLD $23, Z2, Z2; \
	VMULPS.Z Z2, Z4, K1, Z4

// EXP_CONSTS loads the constants of EXP_BODY into Z17-Z19 and Z22-Z31
// (it uses AX): -87.33654 (the range limit), log2(e), the rounding magic
// 1.5·2²³, ln2 split hi 0.693359375 / lo -2.12194440e-4, the polynomial
// 1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
// 1.6666665459e-1, 5.0000001201e-1, then 1 and the exponent bias 127.
#define EXP_CONSTS \
	MOVL $0xc2aeac4f, AX; VPBROADCASTD AX, Z22; \
	MOVL $0x3fb8aa3b, AX; VPBROADCASTD AX, Z23; \
	MOVL $0x4b400000, AX; VPBROADCASTD AX, Z24; \
	MOVL $0x3f318000, AX; VPBROADCASTD AX, Z25; \
	MOVL $0xb95e8083, AX; VPBROADCASTD AX, Z26; \
	MOVL $0x39506967, AX; VPBROADCASTD AX, Z27; \
	MOVL $0x3ab743ce, AX; VPBROADCASTD AX, Z28; \
	MOVL $0x3c088908, AX; VPBROADCASTD AX, Z29; \
	MOVL $0x3d2aa9c1, AX; VPBROADCASTD AX, Z30; \
	MOVL $0x3e2aaaaa, AX; VPBROADCASTD AX, Z31; \
	MOVL $0x3f000000, AX; VPBROADCASTD AX, Z19; \
	MOVL $0x3f800000, AX; VPBROADCASTD AX, Z18; \
	MOVL $127, AX; VPBROADCASTD AX, Z17

// The steps of EXP_BODY: x = v - mx; k1 = !(x < -87.33654); t = x·log2e +
// magic; n = bits(t) - bits(magic); fn = t - magic; r = x - fn·ln2hi;
// r -= fn·ln2lo; z = r²; p = p·r + c (five times); y = p·z + r; y += 1;
// 2ⁿ from n + 127 shifted into the exponent; y·2ⁿ, 0 below the range.

// func expSubAVX512(row []float32, mx float32, acc *[16]float32)
TEXT ·expSubAVX512(SB), NOSPLIT, $0-40
	MOVQ row_base+0(FP), SI
	MOVQ row_len+8(FP), CX
	SHRQ $4, CX
	VBROADCASTSS mx+24(FP), Z20
	MOVQ acc+32(FP), DI
	VMOVUPS (DI), Z21
	EXP_CONSTS
	TESTQ CX, CX
	JEQ tail

loop:
	VMOVUPS (SI), Z0
	EXP_BODY
	VMOVUPS Z4, (SI)
	VADDPS Z4, Z21, Z21
	ADDQ $64, SI
	DECQ CX
	JNE loop

tail:
	MOVQ row_len+8(FP), CX
	ANDQ $15, CX
	JEQ done
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K2
	VMOVUPS.Z (SI), K2, Z0
	EXP_BODY
	VMOVUPS Z4, K2, (SI)
	VADDPS Z4, Z21, K2, Z21       // lanes past the row add nothing

done:
	VMOVUPS Z21, (DI)
	VZEROUPPER
	RET

// func scaleMaxAVX512(row []float32, scale float32, acc *[16]float32)
TEXT ·scaleMaxAVX512(SB), NOSPLIT, $0-40
	MOVQ row_base+0(FP), SI
	MOVQ row_len+8(FP), CX
	SHRQ $4, CX
	VBROADCASTSS scale+24(FP), Z20
	MOVQ acc+32(FP), DI
	VMOVUPS (DI), Z21
	TESTQ CX, CX
	JEQ tail2

loop2:
	VMULPS (SI), Z20, Z0
	VMOVUPS Z0, (SI)
	VMAXPS Z21, Z0, Z21           // NaN scores leave the maximum alone, as in Go
	ADDQ $64, SI
	DECQ CX
	JNE loop2

tail2:
	MOVQ row_len+8(FP), CX
	ANDQ $15, CX
	JEQ done2
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K2
	VMOVUPS.Z (SI), K2, Z0
	VMULPS Z20, Z0, Z0
	VMOVUPS Z0, K2, (SI)
	VMAXPS Z21, Z0, K2, Z21       // lanes past the row keep their maximum

done2:
	VMOVUPS Z21, (DI)
	VZEROUPPER
	RET

// func attnRowAVX512(row []float32, scale, mprev float32) (mx, sum float32)
// Pass 1 scales the row and takes its maximum together with mprev (NaN
// scores ignored, a NaN mprev kept); the lane maxima are then combined
// 8+8, 4+4, 2+2, 1+1. Unless that maximum is -Inf, pass 2 replaces row[j]
// by e^(row[j]-mx) (NaN for a NaN score or maximum)
// (EXP_BODY) and sums them in 16 lanes, combined in the same tree order.
// Partial blocks run under the lane mask K2.
TEXT ·attnRowAVX512(SB), NOSPLIT, $0-40
	MOVQ row_base+0(FP), SI
	MOVQ row_len+8(FP), CX
	MOVQ CX, DX
	SHRQ $4, DX                   // DX: whole blocks
	ANDQ $15, CX                  // CX: elements of the partial block
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K2                  // lanes of the partial block
	MOVQ SI, DI
	MOVQ DX, BX
	VBROADCASTSS scale+24(FP), Z20
	VBROADCASTSS mprev+28(FP), Z21
	TESTQ BX, BX
	JEQ maxtail

maxloop:
	VMULPS (DI), Z20, Z0
	VMOVUPS Z0, (DI)
	VMAXPS Z21, Z0, Z21           // NaN scores leave the maximum alone
	ADDQ $64, DI
	DECQ BX
	JNE maxloop

maxtail:
	TESTQ CX, CX
	JEQ maxred
	VMOVUPS.Z (DI), K2, Z0
	VMULPS Z20, Z0, Z0
	VMOVUPS Z0, K2, (DI)
	VMAXPS Z21, Z0, K2, Z21

maxred:
	VMOVAPS Z21, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0x4e, X0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0xb1, X0, X1
	VMAXPS X1, X0, X0
	MOVSS X0, mx+32(FP)
	VXORPS X5, X5, X5
	MOVSS X5, sum+36(FP)
	MOVL $0xff800000, AX          // -Inf: every score masked, no exponentials
	MOVL AX, X1
	UCOMISS X1, X0
	JPS exps                      // NaN (a NaN mprev): every exponential is NaN
	JEQ rowdone

exps:
	VBROADCASTSS X0, Z20

	EXP_CONSTS
	VXORPS Z21, Z21, Z21
	MOVQ DX, BX
	TESTQ BX, BX
	JEQ exptail

exploop:
	VMOVUPS (SI), Z0
	EXP_BODY
	VMOVUPS Z4, (SI)
	VADDPS Z4, Z21, Z21
	ADDQ $64, SI
	DECQ BX
	JNE exploop

exptail:
	TESTQ CX, CX
	JEQ sumred
	VMOVUPS.Z (SI), K2, Z0
	EXP_BODY
	VMOVUPS Z4, K2, (SI)
	VADDPS Z4, Z21, K2, Z21

sumred:
	VMOVAPS Z21, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VPERMILPS $0x4e, X0, X1
	VADDPS X1, X0, X0
	VPERMILPS $0xb1, X0, X1
	VADDPS X1, X0, X0
	MOVSS X0, sum+36(FP)

rowdone:
	VZEROUPPER
	RET
