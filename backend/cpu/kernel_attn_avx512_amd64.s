//go:build amd64 && !noasm

#include "textflag.h"

// func expSubAVX512(row []float32, mx float32, acc *[16]float32)
TEXT ·expSubAVX512(SB), NOSPLIT, $0-40
	MOVQ row_base+0(FP), SI
	MOVQ row_len+8(FP), CX
	SHRQ $4, CX
	VBROADCASTSS mx+24(FP), Z20
	MOVQ acc+32(FP), DI
	VMOVUPS (DI), Z21
	MOVL $0xc2aeac4f, AX // -87.33654
	VPBROADCASTD AX, Z22
	MOVL $0x3fb8aa3b, AX // log2(e)
	VPBROADCASTD AX, Z23
	MOVL $0x4b400000, AX // 1.5·2²³
	VPBROADCASTD AX, Z24
	MOVL $0x3f318000, AX // ln2hi 0.693359375
	VPBROADCASTD AX, Z25
	MOVL $0xb95e8083, AX // ln2lo -2.12194440e-4
	VPBROADCASTD AX, Z26
	MOVL $0x39506967, AX // 1.9875691500e-4
	VPBROADCASTD AX, Z27
	MOVL $0x3ab743ce, AX // 1.3981999507e-3
	VPBROADCASTD AX, Z28
	MOVL $0x3c088908, AX // 8.3334519073e-3
	VPBROADCASTD AX, Z29
	MOVL $0x3d2aa9c1, AX // 4.1665795894e-2
	VPBROADCASTD AX, Z30
	MOVL $0x3e2aaaaa, AX // 1.6666665459e-1
	VPBROADCASTD AX, Z31
	MOVL $0x3f000000, AX // 5.0000001201e-1
	VPBROADCASTD AX, Z19
	MOVL $0x3f800000, AX // 1
	VPBROADCASTD AX, Z18
	MOVL $127, AX
	VPBROADCASTD AX, Z17
	TESTQ CX, CX
	JEQ done

loop:
	VMOVUPS (SI), Z0
	VSUBPS Z20, Z0, Z0            // x = v - mx
	VCMPPS $0x1d, Z22, Z0, K1     // k1 = x >= -87.33654
	VMOVAPS Z24, Z1
	VFMADD231PS Z23, Z0, Z1       // t = x·log2e + magic
	VPSUBD Z24, Z1, Z2            // n = bits(t) - bits(magic)
	VSUBPS Z24, Z1, Z1            // fn = t - magic
	VFNMADD231PS Z25, Z1, Z0      // r = x - fn·ln2hi
	VFNMADD231PS Z26, Z1, Z0      // r -= fn·ln2lo
	VMULPS Z0, Z0, Z3             // z = r²
	VMOVAPS Z27, Z4
	VFMADD213PS Z28, Z0, Z4       // p = p·r + c
	VFMADD213PS Z29, Z0, Z4
	VFMADD213PS Z30, Z0, Z4
	VFMADD213PS Z31, Z0, Z4
	VFMADD213PS Z19, Z0, Z4
	VFMADD213PS Z0, Z3, Z4        // y = p·z + r
	VADDPS Z18, Z4, Z4            // y += 1
	VPADDD Z17, Z2, Z2
	VPSLLD $23, Z2, Z2            // 2ⁿ
	VMULPS.Z Z2, Z4, K1, Z4       // y·2ⁿ, 0 below the range
	VMOVUPS Z4, (SI)
	VADDPS Z4, Z21, Z21
	ADDQ $64, SI
	DECQ CX
	JNE loop

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
	JEQ done2

loop2:
	VMULPS (SI), Z20, Z0
	VMOVUPS Z0, (SI)
	VMAXPS Z21, Z0, Z21           // NaN scores leave the maximum alone, as in Go
	ADDQ $64, SI
	DECQ CX
	JNE loop2

done2:
	VMOVUPS Z21, (DI)
	VZEROUPPER
	RET
