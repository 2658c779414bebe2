#include "textflag.h"

// func semiPlanarRowNEON(out *uint64, y, c *byte, n int, vFirst bool, k *yuvCoef)
//
// The arithmetic of semiPlanarRowGo, 16 pixels an iteration; n is a positive
// multiple of 16. Instructions the Go assembler lacks are WORD-encoded with
// their GNU syntax alongside.
TEXT ·semiPlanarRowNEON(SB), NOSPLIT, $0-48
	MOVD	out+0(FP), R0
	MOVD	y+8(FP), R1
	MOVD	c+16(FP), R2
	MOVD	n+24(FP), R3
	MOVBU	vFirst+32(FP), R4
	MOVD	k+40(FP), R5
	// Coefficients, one per lane: yoff and 128 in 16-bit lanes, the rest in 32-bit ones; V31 = 0.
	MOVWU	0(R5), R6
	VDUP	R6, V26.H8
	MOVWU	4(R5), R6
	VDUP	R6, V20.S4
	MOVWU	8(R5), R6
	VDUP	R6, V21.S4
	MOVWU	12(R5), R6
	VDUP	R6, V22.S4
	MOVWU	16(R5), R6
	VDUP	R6, V23.S4
	MOVWU	20(R5), R6
	VDUP	R6, V24.S4
	MOVD	$524288, R6
	VDUP	R6, V25.S4
	MOVD	$128, R6
	VDUP	R6, V27.H8
	MOVD	$255, R6
	VDUP	R6, V28.S4
	VEOR	V31.B16, V31.B16, V31.B16
loop:
	// 16 Y bytes and 8 chroma pairs, split into U (V3) and V (V4) as 16-bit.
	VLD1.P	16(R1), [V0.B16]
	VLD2.P	16(R2), [V1.B8, V2.B8]
	CBZ	R4, uvorder
	VUXTL	V2.B8, V3.H8
	VUXTL	V1.B8, V4.H8
	B	chroma
uvorder:
	VUXTL	V1.B8, V3.H8
	VUXTL	V2.B8, V4.H8
chroma:
	VSUB	V27.H8, V3.H8, V3.H8
	VSUB	V27.H8, V4.H8, V4.H8
	WORD	$0x0f10a465	// sxtl v5.4s, v3.4h
	WORD	$0x4f10a466	// sxtl2 v6.4s, v3.8h
	WORD	$0x0f10a487	// sxtl v7.4s, v4.4h
	WORD	$0x4f10a490	// sxtl2 v16.4s, v4.8h
	// Chroma terms with the rounding half: R in V8/V9, G in V10/V11, B in V12/V13.
	VORR	V25.B16, V25.B16, V8.B16
	VORR	V25.B16, V25.B16, V9.B16
	VORR	V25.B16, V25.B16, V10.B16
	VORR	V25.B16, V25.B16, V11.B16
	VORR	V25.B16, V25.B16, V12.B16
	VORR	V25.B16, V25.B16, V13.B16
	WORD	$0x4eb594e8	// mla v8.4s, v7.4s, v21.4s
	WORD	$0x4eb59609	// mla v9.4s, v16.4s, v21.4s
	WORD	$0x4eb694aa	// mla v10.4s, v5.4s, v22.4s
	WORD	$0x4eb794ea	// mla v10.4s, v7.4s, v23.4s
	WORD	$0x4eb694cb	// mla v11.4s, v6.4s, v22.4s
	WORD	$0x4eb7960b	// mla v11.4s, v16.4s, v23.4s
	WORD	$0x4eb894ac	// mla v12.4s, v5.4s, v24.4s
	WORD	$0x4eb894cd	// mla v13.4s, v6.4s, v24.4s
	// Luma term max(Y-yoff, 0)*cy for pixels 0-3, 4-7, 8-11, 12-15 in V17, V18, V29, V30.
	VUXTL	V0.B8, V14.H8
	VUXTL2	V0.B16, V15.H8
	VUMAX	V26.H8, V14.H8, V14.H8
	VUMAX	V26.H8, V15.H8, V15.H8
	VSUB	V26.H8, V14.H8, V14.H8
	VSUB	V26.H8, V15.H8, V15.H8
	VUXTL	V14.H4, V17.S4
	VUXTL2	V14.H8, V18.S4
	VUXTL	V15.H4, V29.S4
	VUXTL2	V15.H8, V30.S4
	WORD	$0x4eb49e31	// mul v17.4s, v17.4s, v20.4s
	WORD	$0x4eb49e52	// mul v18.4s, v18.4s, v20.4s
	WORD	$0x4eb49fbd	// mul v29.4s, v29.4s, v20.4s
	WORD	$0x4eb49fde	// mul v30.4s, v30.4s, v20.4s
	// 4 pixels: zip1 repeats each chroma term for its 2 pixels; add luma V17, >> 20, clamp to 0..255, store R | G<<21 | B<<42.
	WORD	$0x4e883904	// zip1 v4.4s, v8.4s, v8.4s
	WORD	$0x4e8a3945	// zip1 v5.4s, v10.4s, v10.4s
	WORD	$0x4e8c3986	// zip1 v6.4s, v12.4s, v12.4s
	VADD	V17.S4, V4.S4, V4.S4
	VADD	V17.S4, V5.S4, V5.S4
	VADD	V17.S4, V6.S4, V6.S4
	WORD	$0x4f2c0484	// sshr v4.4s, v4.4s, #20
	WORD	$0x4f2c04a5	// sshr v5.4s, v5.4s, #20
	WORD	$0x4f2c04c6	// sshr v6.4s, v6.4s, #20
	WORD	$0x4ebf6484	// smax v4.4s, v4.4s, v31.4s
	WORD	$0x4ebc6c84	// smin v4.4s, v4.4s, v28.4s
	WORD	$0x4ebf64a5	// smax v5.4s, v5.4s, v31.4s
	WORD	$0x4ebc6ca5	// smin v5.4s, v5.4s, v28.4s
	WORD	$0x4ebf64c6	// smax v6.4s, v6.4s, v31.4s
	WORD	$0x4ebc6cc6	// smin v6.4s, v6.4s, v28.4s
	WORD	$0x4f3554a5	// shl v5.4s, v5.4s, #21
	VORR	V5.B16, V4.B16, V4.B16
	WORD	$0x4f2a54c6	// shl v6.4s, v6.4s, #10
	WORD	$0x4e86388e	// zip1 v14.4s, v4.4s, v6.4s
	WORD	$0x4e86788f	// zip2 v15.4s, v4.4s, v6.4s
	VST1.P	[V14.D2, V15.D2], 32(R0)
	// 4 pixels: zip2 repeats each chroma term for its 2 pixels; add luma V18, >> 20, clamp to 0..255, store R | G<<21 | B<<42.
	WORD	$0x4e887904	// zip2 v4.4s, v8.4s, v8.4s
	WORD	$0x4e8a7945	// zip2 v5.4s, v10.4s, v10.4s
	WORD	$0x4e8c7986	// zip2 v6.4s, v12.4s, v12.4s
	VADD	V18.S4, V4.S4, V4.S4
	VADD	V18.S4, V5.S4, V5.S4
	VADD	V18.S4, V6.S4, V6.S4
	WORD	$0x4f2c0484	// sshr v4.4s, v4.4s, #20
	WORD	$0x4f2c04a5	// sshr v5.4s, v5.4s, #20
	WORD	$0x4f2c04c6	// sshr v6.4s, v6.4s, #20
	WORD	$0x4ebf6484	// smax v4.4s, v4.4s, v31.4s
	WORD	$0x4ebc6c84	// smin v4.4s, v4.4s, v28.4s
	WORD	$0x4ebf64a5	// smax v5.4s, v5.4s, v31.4s
	WORD	$0x4ebc6ca5	// smin v5.4s, v5.4s, v28.4s
	WORD	$0x4ebf64c6	// smax v6.4s, v6.4s, v31.4s
	WORD	$0x4ebc6cc6	// smin v6.4s, v6.4s, v28.4s
	WORD	$0x4f3554a5	// shl v5.4s, v5.4s, #21
	VORR	V5.B16, V4.B16, V4.B16
	WORD	$0x4f2a54c6	// shl v6.4s, v6.4s, #10
	WORD	$0x4e86388e	// zip1 v14.4s, v4.4s, v6.4s
	WORD	$0x4e86788f	// zip2 v15.4s, v4.4s, v6.4s
	VST1.P	[V14.D2, V15.D2], 32(R0)
	// 4 pixels: zip1 repeats each chroma term for its 2 pixels; add luma V29, >> 20, clamp to 0..255, store R | G<<21 | B<<42.
	WORD	$0x4e893924	// zip1 v4.4s, v9.4s, v9.4s
	WORD	$0x4e8b3965	// zip1 v5.4s, v11.4s, v11.4s
	WORD	$0x4e8d39a6	// zip1 v6.4s, v13.4s, v13.4s
	VADD	V29.S4, V4.S4, V4.S4
	VADD	V29.S4, V5.S4, V5.S4
	VADD	V29.S4, V6.S4, V6.S4
	WORD	$0x4f2c0484	// sshr v4.4s, v4.4s, #20
	WORD	$0x4f2c04a5	// sshr v5.4s, v5.4s, #20
	WORD	$0x4f2c04c6	// sshr v6.4s, v6.4s, #20
	WORD	$0x4ebf6484	// smax v4.4s, v4.4s, v31.4s
	WORD	$0x4ebc6c84	// smin v4.4s, v4.4s, v28.4s
	WORD	$0x4ebf64a5	// smax v5.4s, v5.4s, v31.4s
	WORD	$0x4ebc6ca5	// smin v5.4s, v5.4s, v28.4s
	WORD	$0x4ebf64c6	// smax v6.4s, v6.4s, v31.4s
	WORD	$0x4ebc6cc6	// smin v6.4s, v6.4s, v28.4s
	WORD	$0x4f3554a5	// shl v5.4s, v5.4s, #21
	VORR	V5.B16, V4.B16, V4.B16
	WORD	$0x4f2a54c6	// shl v6.4s, v6.4s, #10
	WORD	$0x4e86388e	// zip1 v14.4s, v4.4s, v6.4s
	WORD	$0x4e86788f	// zip2 v15.4s, v4.4s, v6.4s
	VST1.P	[V14.D2, V15.D2], 32(R0)
	// 4 pixels: zip2 repeats each chroma term for its 2 pixels; add luma V30, >> 20, clamp to 0..255, store R | G<<21 | B<<42.
	WORD	$0x4e897924	// zip2 v4.4s, v9.4s, v9.4s
	WORD	$0x4e8b7965	// zip2 v5.4s, v11.4s, v11.4s
	WORD	$0x4e8d79a6	// zip2 v6.4s, v13.4s, v13.4s
	VADD	V30.S4, V4.S4, V4.S4
	VADD	V30.S4, V5.S4, V5.S4
	VADD	V30.S4, V6.S4, V6.S4
	WORD	$0x4f2c0484	// sshr v4.4s, v4.4s, #20
	WORD	$0x4f2c04a5	// sshr v5.4s, v5.4s, #20
	WORD	$0x4f2c04c6	// sshr v6.4s, v6.4s, #20
	WORD	$0x4ebf6484	// smax v4.4s, v4.4s, v31.4s
	WORD	$0x4ebc6c84	// smin v4.4s, v4.4s, v28.4s
	WORD	$0x4ebf64a5	// smax v5.4s, v5.4s, v31.4s
	WORD	$0x4ebc6ca5	// smin v5.4s, v5.4s, v28.4s
	WORD	$0x4ebf64c6	// smax v6.4s, v6.4s, v31.4s
	WORD	$0x4ebc6cc6	// smin v6.4s, v6.4s, v28.4s
	WORD	$0x4f3554a5	// shl v5.4s, v5.4s, #21
	VORR	V5.B16, V4.B16, V4.B16
	WORD	$0x4f2a54c6	// shl v6.4s, v6.4s, #10
	WORD	$0x4e86388e	// zip1 v14.4s, v4.4s, v6.4s
	WORD	$0x4e86788f	// zip2 v15.4s, v4.4s, v6.4s
	VST1.P	[V14.D2, V15.D2], 32(R0)
	SUB	$16, R3, R3
	CBNZ	R3, loop
	RET
