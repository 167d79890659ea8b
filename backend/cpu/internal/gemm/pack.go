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
const maxKC = 2048

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
// (pc, jc) into dst, panel q at dst[(q-q0)*kc*nr:] as kc rows of nr values,
// widening half-precision values and zero-padding columns past jc+nc:
//
//	dst[(q-q0)*kc*nr + p*nr + j] = B(pc+p, jc+q*nr+j)
func packB(dst []float32, b *matB, nr, pc, kc, jc, nc, q0, q1 int) {
	for q := q0; q < q1; q++ {
		j0 := jc + q*nr
		w := min(nr, jc+nc-j0)
		d := dst[(q-q0)*kc*nr : (q-q0+1)*kc*nr]
		if w < nr {
			clear(d)
		}
		full := nr == 32 && w == 32 // the assembly packers' panel shape
		switch {
		case b.kind == f32 && !b.trans:
			if full && copyPanelFast(d, b.f32, pc*b.ld+j0, b.ld, kc) {
				continue
			}
			for p := range kc {
				copy(d[p*nr:p*nr+w], b.f32[(pc+p)*b.ld+j0:])
			}
		case b.kind == f32:
			done := 0
			if full {
				done = packBTFast(d, f32Bytes(b.f32), 4*(j0*b.ld+pc), 4*b.ld, kc, f32, false)
			}
			for j := range w {
				col := b.f32[(j0+j)*b.ld+pc:][:kc]
				for p := done; p < kc; p++ {
					d[p*nr+j] = col[p]
				}
			}
		case !b.trans:
			for p := range kc {
				src := b.raw[2*((pc+p)*b.ld+j0):][:2*w]
				row := d[p*nr : p*nr+w]
				if done := widenFast(row, src, b.kind); done < w {
					widen(row[done:], src[2*done:], b.kind)
				}
			}
		default: // transposed bf16 or f16
			done := 0
			if full {
				done = packBTFast(d, b.raw, 2*(j0*b.ld+pc), 2*b.ld, kc, b.kind, false)
			}
			var col [maxKC]float32
			for j := range w {
				if done == kc {
					break
				}
				widen(col[done:kc], b.raw[2*((j0+j)*b.ld+pc+done):], b.kind)
				for p := done; p < kc; p++ {
					d[p*nr+j] = col[p]
				}
			}
		}
	}
}

// widen converts len(dst) > 0 bf16 or f16 values from src.
func widen(dst []float32, src []byte, kind elemKind) {
	if kind == bf16 {
		half.BF16ToF32(dst, src)
	} else {
		half.F16ToF32(dst, src)
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
