//go:build amd64 && !noasm

#include "textflag.h"

// AVX2+FMA versions of the float32 activations of kernel_act.go, for CPUs
// without AVX-512: 8 lanes at a time, the same method as the AVX-512
// kernels except that 2ⁿ is applied as two exact powers of two (as exp32
// does) instead of VSCALEFPS. With only 16 vector registers the constants
// are broadcast from actc<> where they are used. The last len(dst)%8
// elements go through VMASKMOVPS with a lane mask from maskt<>.

DATA actc<>+0(SB)/4, $0xc2d00000   // -104
DATA actc<>+4(SB)/4, $0x42b20000   // 89
DATA actc<>+8(SB)/4, $0x3fb8aa3b   // log2(e)
DATA actc<>+12(SB)/4, $0x4b400000  // 1.5·2²³
DATA actc<>+16(SB)/4, $0x3f318000  // ln2 hi
DATA actc<>+20(SB)/4, $0xb95e8083  // ln2 lo
DATA actc<>+24(SB)/4, $0x39506967  // P5
DATA actc<>+28(SB)/4, $0x3ab743ce  // P4
DATA actc<>+32(SB)/4, $0x3c088908  // P3
DATA actc<>+36(SB)/4, $0x3d2aa9c1  // P2
DATA actc<>+40(SB)/4, $0x3e2aaaaa  // P1
DATA actc<>+44(SB)/4, $0x3f000000  // P0 = 0.5
DATA actc<>+48(SB)/4, $0x3f800000  // 1
DATA actc<>+52(SB)/4, $0x80000000  // sign bit
DATA actc<>+56(SB)/4, $0x0000007f  // exponent bias 127
DATA actc<>+60(SB)/4, $0x3fcc422a  // 2·√(2/π)
DATA actc<>+64(SB)/4, $0x3d922279  // 2·√(2/π)·0.044715
DATA actc<>+68(SB)/4, $0x7fffffff  // |·| mask
DATA actc<>+72(SB)/4, $0x46000000  // 8192
DATA actc<>+76(SB)/4, $0x3f22f983  // 2/π
DATA actc<>+80(SB)/4, $0x3fc90000  // π/2 part 1
DATA actc<>+84(SB)/4, $0x39fda000  // π/2 part 2
DATA actc<>+88(SB)/4, $0x33a22169  // π/2 part 3
DATA actc<>+92(SB)/4, $0xb94ca1f9  // S3
DATA actc<>+96(SB)/4, $0x3c08839e  // S2
DATA actc<>+100(SB)/4, $0xbe2aaaa3 // S1
DATA actc<>+104(SB)/4, $0x37ccf5ce // C3
DATA actc<>+108(SB)/4, $0xbab6061a // C2
DATA actc<>+112(SB)/4, $0x3d2aaaa5 // C1
GLOBL actc<>(SB), RODATA|NOPTR, $116

// maskt<>: eight all-ones lanes then eight zero lanes; the 8 lanes at
// offset 4·(8-r) select the first r.
DATA maskt<>+0(SB)/8, $0xffffffffffffffff
DATA maskt<>+8(SB)/8, $0xffffffffffffffff
DATA maskt<>+16(SB)/8, $0xffffffffffffffff
DATA maskt<>+24(SB)/8, $0xffffffffffffffff
DATA maskt<>+32(SB)/8, $0
DATA maskt<>+40(SB)/8, $0
DATA maskt<>+48(SB)/8, $0
DATA maskt<>+56(SB)/8, $0
GLOBL maskt<>(SB), RODATA|NOPTR, $64

#define C(off, y) VBROADCASTSS actc<>+off(SB), y

// EXP2 replaces Y0 by e^Y0 (exp32's method, FMA). Uses Y1-Y3 and Y6.
#define EXP2 \
	C(0, Y6); \
	VMAXPS Y0, Y6, Y0; \
	C(4, Y6); \
	VMINPS Y0, Y6, Y0; \
	C(8, Y6); \
	C(12, Y1); \
	VFMADD231PS Y6, Y0, Y1; \
	C(12, Y6); \
	VSUBPS Y6, Y1, Y2; \
	VPSUBD Y6, Y1, Y1; \
	C(16, Y6); \
	VFNMADD231PS Y6, Y2, Y0; \
	C(20, Y6); \
	VFNMADD231PS Y6, Y2, Y0; \
	VMULPS Y0, Y0, Y2; \
	C(24, Y3); \
	C(28, Y6); \
	VFMADD213PS Y6, Y0, Y3; \
	C(32, Y6); \
	VFMADD213PS Y6, Y0, Y3; \
	C(36, Y6); \
	VFMADD213PS Y6, Y0, Y3; \
	C(40, Y6); \
	VFMADD213PS Y6, Y0, Y3; \
	C(44, Y6); \
	VFMADD213PS Y6, Y0, Y3; \
	VFMADD213PS Y0, Y2, Y3; \
	C(48, Y6); \
	VADDPS Y6, Y3, Y3; \
	VPSRAD $1, Y1, Y2; \
	VPSUBD Y2, Y1, Y1; \
	VPBROADCASTD actc<>+56(SB), Y6; \
	VPADDD Y6, Y2, Y2; \
	VPADDD Y6, Y1, Y1; \
	VPSLLD $23, Y2, Y2; \
	VPSLLD $23, Y1, Y1; \
	VMULPS Y2, Y3, Y3; \
	VMULPS Y1, Y3, Y0

// SIGMOID2 replaces Y0 by σ(Y4): (x >= 0 ? 1 : e)/(1+e), e = e^-|x|.
// Uses Y1-Y3 and Y6.
#define SIGMOID2 \
	C(52, Y6); \
	VORPS Y6, Y4, Y0; \
	EXP2; \
	C(48, Y6); \
	VADDPS Y6, Y0, Y1; \
	VXORPS Y2, Y2, Y2; \
	VCMPPS $0x1d, Y2, Y4, Y2; \
	VBLENDVPS Y2, Y6, Y0, Y2; \
	VDIVPS Y1, Y2, Y0

#define EXP2_BODY VMOVAPS Y4, Y0; EXP2
#define SILU2_BODY SIGMOID2; VMULPS Y4, Y0, Y0

// GELU2_BODY: x·σ(x·(c1 + c2·x²)), x kept in Y5.
#define GELU2_BODY \
	VMOVAPS Y4, Y5; \
	VMULPS Y5, Y5, Y4; \
	C(64, Y6); \
	C(60, Y7); \
	VFMADD213PS Y7, Y6, Y4; \
	VMULPS Y5, Y4, Y4; \
	SIGMOID2; \
	VMULPS Y5, Y0, Y0

// UNARY2_LOOP runs BODY (input Y4, result Y0) over dst_len elements.
#define UNARY2_LOOP(BODY) \
	MOVQ dst_base+0(FP), DI; \
	MOVQ dst_len+8(FP), CX; \
	MOVQ src_base+24(FP), SI; \
	MOVQ CX, BX; \
	SHRQ $3, BX; \
	JEQ tail; \
loop:; \
	VMOVUPS (SI), Y4; \
	BODY; \
	VMOVUPS Y0, (DI); \
	ADDQ $32, SI; \
	ADDQ $32, DI; \
	DECQ BX; \
	JNE loop; \
tail:; \
	ANDQ $7, CX; \
	JEQ done; \
	LEAQ maskt<>(SB), AX; \
	MOVQ $8, DX; \
	SUBQ CX, DX; \
	VMOVUPS (AX)(DX*4), Y15; \
	VMASKMOVPS (SI), Y15, Y4; \
	BODY; \
	VMASKMOVPS Y0, Y15, (DI); \
done:; \
	VZEROUPPER; \
	RET

// func expAVX2(dst, src []float32)
TEXT ·expAVX2(SB), NOSPLIT, $0-48
	UNARY2_LOOP(EXP2_BODY)

// func sigmoidAVX2(dst, src []float32)
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-48
	UNARY2_LOOP(SIGMOID2)

// func siluAVX2(dst, src []float32)
TEXT ·siluAVX2(SB), NOSPLIT, $0-48
	UNARY2_LOOP(SILU2_BODY)

// func geluTanhAVX2(dst, src []float32)
TEXT ·geluTanhAVX2(SB), NOSPLIT, $0-48
	UNARY2_LOOP(GELU2_BODY)

// SNAKE2 replaces Y0 = x by x + sin(α·x)²·inv (sinSq32's method) with
// Y13 = α and Y12 = inv, and sets in Y1 the lanes with !(|α·x| <= 8192)
// (all ones), whose result the caller redoes. The parity of n is shifted
// into the sign bit, which is what VBLENDVPS reads. Uses Y4-Y11.
#define SNAKE2 \
	VMULPS Y0, Y13, Y4; \
	C(68, Y6); \
	VANDPS Y6, Y4, Y5; \
	C(72, Y6); \
	VCMPPS $0x16, Y6, Y5, Y1; \
	C(12, Y6); \
	C(76, Y7); \
	VFMADD231PS Y7, Y4, Y6; \
	C(12, Y7); \
	VSUBPS Y7, Y6, Y7; \
	VPSLLD $31, Y6, Y6; \
	C(80, Y8); \
	VFNMADD231PS Y8, Y7, Y4; \
	C(84, Y8); \
	VFNMADD231PS Y8, Y7, Y4; \
	C(88, Y8); \
	VFNMADD231PS Y8, Y7, Y4; \
	VMULPS Y4, Y4, Y8; \
	C(92, Y9); \
	C(96, Y10); \
	VFMADD213PS Y10, Y8, Y9; \
	C(100, Y10); \
	VFMADD213PS Y10, Y8, Y9; \
	VMULPS Y4, Y8, Y10; \
	VFMADD213PS Y4, Y10, Y9; \
	C(104, Y10); \
	C(108, Y11); \
	VFMADD213PS Y11, Y8, Y10; \
	C(112, Y11); \
	VFMADD213PS Y11, Y8, Y10; \
	VMULPS Y8, Y8, Y11; \
	C(48, Y7); \
	C(44, Y5); \
	VFNMADD231PS Y5, Y8, Y7; \
	VFMADD213PS Y7, Y11, Y10; \
	VBLENDVPS Y6, Y10, Y9, Y9; \
	VMULPS Y9, Y9, Y9; \
	VMULPS Y12, Y9, Y9; \
	VADDPS Y9, Y0, Y0

// func snakeAVX2(dst, x []float32, a, inv float32) (large bool)
TEXT ·snakeAVX2(SB), NOSPLIT, $0-57
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	VBROADCASTSS a+48(FP), Y13
	VBROADCASTSS inv+52(FP), Y12
	VXORPS Y14, Y14, Y14
	MOVQ CX, BX
	SHRQ $3, BX
	JEQ stail

sloop:
	VMOVUPS (SI), Y0
	SNAKE2
	VORPS Y1, Y14, Y14
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ BX
	JNE sloop

stail:
	ANDQ $7, CX
	JEQ sdone
	LEAQ maskt<>(SB), AX
	MOVQ $8, DX
	SUBQ CX, DX
	VMOVUPS (AX)(DX*4), Y15
	VMASKMOVPS (SI), Y15, Y0
	SNAKE2
	VANDPS Y15, Y1, Y1
	VORPS Y1, Y14, Y14
	VMASKMOVPS Y0, Y15, (DI)

sdone:
	VMOVMSKPS Y14, AX
	TESTL AX, AX
	SETNE AL
	MOVB AL, large+56(FP)
	VZEROUPPER
	RET
