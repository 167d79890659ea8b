package gemm

import (
	"math"

	"github.com/lockstep-av/lockstep/internal/half"
)

// elemKind is the storage type of the B operand.
type elemKind uint8

const (
	f32 elemKind = iota
	bf16
	f16
)

// maxKC bounds the k block of every kernel (scratch arrays are sized by it).
const maxKC = 512

// matB is the B operand: k×n row-major with row stride ld, or n×k when
// trans; float32 values in f32, or little-endian bf16/f16 bytes in raw.
type matB struct {
	f32   []float32
	raw   []byte
	kind  elemKind
	ld    int
	trans bool
}

// packB writes the nr-column panels q0..q1-1 of the kc×nc block of B at
// (pc, jc) into dst, panel q at dst[q*kc*nr:] as kc rows of nr values,
// widening half-precision values and zero-padding columns past jc+nc:
//
//	dst[q*kc*nr + p*nr + j] = B(pc+p, jc+q*nr+j)
func packB(dst []float32, b *matB, nr, pc, kc, jc, nc, q0, q1 int) {
	for q := q0; q < q1; q++ {
		j0 := jc + q*nr
		w := min(nr, jc+nc-j0)
		d := dst[q*kc*nr : (q+1)*kc*nr]
		if w < nr {
			clear(d)
		}
		switch {
		case b.kind == f32 && !b.trans:
			for p := range kc {
				copy(d[p*nr:p*nr+w], b.f32[(pc+p)*b.ld+j0:])
			}
		case b.kind == f32:
			for j := range w {
				col := b.f32[(j0+j)*b.ld+pc:][:kc]
				for p, v := range col {
					d[p*nr+j] = v
				}
			}
		case !b.trans:
			for p := range kc {
				src := b.raw[2*((pc+p)*b.ld+j0):][:2*w]
				if b.kind == bf16 {
					half.BF16ToF32(d[p*nr:p*nr+w], src)
				} else {
					half.F16ToF32(d[p*nr:p*nr+w], src)
				}
			}
		case b.kind == bf16:
			for j := range w {
				src := b.raw[2*((j0+j)*b.ld+pc):][:2*kc]
				for p := range kc {
					bits := uint32(src[2*p]) | uint32(src[2*p+1])<<8
					d[p*nr+j] = math.Float32frombits(bits << 16)
				}
			}
		default: // transposed f16
			var col [maxKC]float32
			for j := range w {
				half.F16ToF32(col[:kc], b.raw[2*((j0+j)*b.ld+pc):])
				for p, v := range col[:kc] {
					d[p*nr+j] = v
				}
			}
		}
	}
}

// packA writes rows i0..i0+h-1 of the k block pc..pc+kc-1 of A (m×k with
// row stride lda, or k×m when trans) into dst as mr-row panels, panel r at
// dst[r*kc*mr:] holding kc columns of mr values, rows past h zeroed:
//
//	dst[r*kc*mr + p*mr + i] = A(i0+r*mr+i, pc+p)
//
// With round, each value is rounded to the nearest bfloat16 (as float32).
func packA(dst, a []float32, lda int, trans, round bool, mr, i0, h, pc, kc int) {
	for r0 := 0; r0 < h; r0 += mr {
		rh := min(mr, h-r0)
		d := dst[(r0/mr)*kc*mr:][:kc*mr]
		if rh < mr {
			clear(d)
		}
		if trans {
			for p := range kc {
				copy(d[p*mr:p*mr+rh], a[(pc+p)*lda+i0+r0:])
			}
		} else {
			done := 0
			if mr == 14 && rh == 14 {
				done = packA14Fast(d, a, (i0+r0)*lda+pc, lda, kc)
			}
			for i := range rh {
				row := a[(i0+r0+i)*lda+pc:][:kc]
				for p := done; p < kc; p++ {
					d[p*mr+i] = row[p]
				}
			}
		}
		if round {
			for p, v := range d {
				d[p] = math.Float32frombits(uint32(half.BF16Bits(v)) << 16)
			}
		}
	}
}
