#include "textflag.h"

// VPSHUFB masks that give each of 8 pixels, as a 32-bit lane, the first or
// second byte of its chroma pair, from 8 chroma bytes repeated in every
// quadword: lane 0 serves pixels 0-3 (pairs 0, 1), lane 1 pixels 4-7.
DATA first<>+0(SB)/8, $0x8080800080808000
DATA first<>+8(SB)/8, $0x8080800280808002
DATA first<>+16(SB)/8, $0x8080800480808004
DATA first<>+24(SB)/8, $0x8080800680808006
GLOBL first<>(SB), RODATA|NOPTR, $32
DATA second<>+0(SB)/8, $0x8080800180808001
DATA second<>+8(SB)/8, $0x8080800380808003
DATA second<>+16(SB)/8, $0x8080800580808005
DATA second<>+24(SB)/8, $0x8080800780808007
GLOBL second<>(SB), RODATA|NOPTR, $32
DATA half<>+0(SB)/8, $0x0008000000080000
DATA half<>+8(SB)/8, $0x0008000000080000
DATA half<>+16(SB)/8, $0x0008000000080000
DATA half<>+24(SB)/8, $0x0008000000080000
GLOBL half<>(SB), RODATA|NOPTR, $32
DATA c128<>+0(SB)/8, $0x0000008000000080
DATA c128<>+8(SB)/8, $0x0000008000000080
DATA c128<>+16(SB)/8, $0x0000008000000080
DATA c128<>+24(SB)/8, $0x0000008000000080
GLOBL c128<>(SB), RODATA|NOPTR, $32
DATA c255<>+0(SB)/8, $0x000000ff000000ff
DATA c255<>+8(SB)/8, $0x000000ff000000ff
DATA c255<>+16(SB)/8, $0x000000ff000000ff
DATA c255<>+24(SB)/8, $0x000000ff000000ff
GLOBL c255<>(SB), RODATA|NOPTR, $32

// func semiPlanarRowAVX2(out *uint64, y, c *byte, n int, vFirst bool, k *yuvCoef)
//
// The arithmetic of semiPlanarRowGo, 8 pixels an iteration in 32-bit lanes;
// n is a positive multiple of 8.
TEXT ·semiPlanarRowAVX2(SB), NOSPLIT, $0-48
	MOVQ out+0(FP), DI
	MOVQ y+8(FP), SI
	MOVQ c+16(FP), DX
	MOVQ n+24(FP), CX
	MOVBLZX vFirst+32(FP), AX
	MOVQ k+40(FP), BX
	VPBROADCASTD 0(BX), Y15  // yoff
	VPBROADCASTD 4(BX), Y14  // cy
	VPBROADCASTD 8(BX), Y13  // cvr
	VPBROADCASTD 12(BX), Y12 // cug
	VPBROADCASTD 16(BX), Y11 // cvg
	VPBROADCASTD 20(BX), Y10 // cub
	VPXOR Y9, Y9, Y9
	VMOVDQU first<>(SB), Y8  // V mask for NV21
	VMOVDQU second<>(SB), Y7 // U mask for NV21
	TESTQ AX, AX
	JNZ loop
	VMOVDQU second<>(SB), Y8 // NV12: U comes first
	VMOVDQU first<>(SB), Y7

loop:
	// Luma term max(Y-yoff, 0)*cy plus the rounding half.
	VPMOVZXBD (SI), Y0
	VPSUBD Y15, Y0, Y0
	VPMAXSD Y9, Y0, Y0
	VPMULLD Y14, Y0, Y0
	VPADDD half<>(SB), Y0, Y0

	// V-128 in Y2 and U-128 in Y1, each pixel's pair repeated.
	VPBROADCASTQ (DX), Y1
	VPSHUFB Y8, Y1, Y2
	VPSUBD c128<>(SB), Y2, Y2
	VPSHUFB Y7, Y1, Y1
	VPSUBD c128<>(SB), Y1, Y1

	// R, G, B in Y3, Y4, Y5.
	VPMULLD Y13, Y2, Y3
	VPADDD Y0, Y3, Y3
	VPMULLD Y11, Y2, Y4
	VPMULLD Y12, Y1, Y5
	VPADDD Y5, Y4, Y4
	VPADDD Y0, Y4, Y4
	VPMULLD Y10, Y1, Y5
	VPADDD Y0, Y5, Y5
	VPSRAD $20, Y3, Y3
	VPSRAD $20, Y4, Y4
	VPSRAD $20, Y5, Y5
	VPMAXSD Y9, Y3, Y3
	VPMAXSD Y9, Y4, Y4
	VPMAXSD Y9, Y5, Y5
	VPMINSD c255<>(SB), Y3, Y3
	VPMINSD c255<>(SB), Y4, Y4
	VPMINSD c255<>(SB), Y5, Y5

	// R | G<<21 is each pixel's low half, B<<10 its high half.
	VPSLLD $21, Y4, Y4
	VPOR Y4, Y3, Y3
	VPSLLD $10, Y5, Y5
	VPUNPCKLDQ Y5, Y3, Y4        // pixels 0, 1 | 4, 5
	VPUNPCKHDQ Y5, Y3, Y5        // pixels 2, 3 | 6, 7
	VPERM2I128 $0x20, Y5, Y4, Y6 // pixels 0-3
	VPERM2I128 $0x31, Y5, Y4, Y4 // pixels 4-7
	VMOVDQU Y6, (DI)
	VMOVDQU Y4, 32(DI)

	ADDQ $8, SI
	ADDQ $8, DX
	ADDQ $64, DI
	SUBQ $8, CX
	JNZ loop
	VZEROUPPER
	RET

// func cpuid(leaf, sub uint32) (a, b, c, d uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, a+8(FP)
	MOVL BX, b+12(FP)
	MOVL CX, c+16(FP)
	MOVL DX, d+20(FP)
	RET

// func xgetbv() uint32
TEXT ·xgetbv(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, ret+0(FP)
	RET
