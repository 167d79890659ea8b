package gemm

import (
	"encoding/binary"
	"unsafe"

	"github.com/lockstep-av/lockstep/internal/half"
)

// words views a float32 buffer as the uint32 slots that pair kernels read.
func words(f []float32) []uint32 {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&f[0])), len(f))
}

// packBPairs is packB for pair kernels: panel q of the kc×nc block of the
// bf16 matrix B at (pc, jc) holds s := ceil(kc/2) steps of nr words, each
// word two bf16 values consecutive in k (the second zero past kc):
//
//	dst[(q-q0)*s*nr + t*nr + j] = B(pc+2t, j0+j) | B(pc+2t+1, j0+j)<<16
func packBPairs(dst []float32, b *matB, nr, pc, kc, jc, nc, q0, q1 int) {
	steps := (kc + 1) / 2
	raw := b.raw
	le := binary.LittleEndian
	for q := q0; q < q1; q++ {
		j0 := jc + q*nr
		w := min(nr, jc+nc-j0)
		df := dst[(q-q0)*steps*nr : (q-q0+1)*steps*nr]
		d := words(df)
		if w < nr {
			clear(d)
		}
		if b.trans {
			// B is n×k: the pair for (t, j) is one word of row j.
			done := 0
			if nr == 32 && w == 32 {
				done = packBTFast(df, raw, 2*(j0*b.ld+pc), 2*b.ld, kc/2, bf16, true)
			}
			for j := range w {
				src := raw[2*((j0+j)*b.ld+pc):][:2*kc]
				for t := done; t < kc/2; t++ {
					d[t*nr+j] = le.Uint32(src[4*t:])
				}
				if kc%2 != 0 {
					d[(steps-1)*nr+j] = uint32(le.Uint16(src[2*kc-2:]))
				}
			}
			continue
		}
		for t := range steps {
			lo := raw[2*((pc+2*t)*b.ld+j0):][:2*w]
			row := d[t*nr:][:w]
			if 2*t+1 == kc {
				for j := range row {
					row[j] = uint32(le.Uint16(lo[2*j:]))
				}
				continue
			}
			hi := raw[2*((pc+2*t+1)*b.ld+j0):][:2*w]
			for j := pairFast(df[t*nr:][:w], lo, hi); j < w; j++ {
				row[j] = uint32(le.Uint16(lo[2*j:])) | uint32(le.Uint16(hi[2*j:]))<<16
			}
		}
	}
}

// packAPairs is packA for pair kernels: rows i0..i0+h-1 of the k block
// pc..pc+kc-1 of A, rounded to bf16, as mr-row panels of s := ceil(kc/2)
// steps of mr words (rows past h and the odd tail zero):
//
//	dst[r*s*mr + t*mr + i] = bf16(A(i0+r*mr+i, pc+2t)) | bf16(A(.., pc+2t+1))<<16
func packAPairs(dst, a []float32, lda int, trans bool, mr, i0, h, pc, kc int) {
	steps := (kc + 1) / 2
	bf := func(v float32) uint32 { return uint32(half.BF16Bits(v)) }
	for r0 := 0; r0 < h; r0 += mr {
		rh := min(mr, h-r0)
		d := words(dst[(r0/mr)*steps*mr:][:steps*mr])
		if rh < mr || kc%2 != 0 {
			clear(d)
		}
		if trans {
			for t := range steps {
				lo := a[(pc+2*t)*lda+i0+r0:][:rh]
				dt := d[t*mr:][:rh]
				if 2*t+1 == kc {
					for i, v := range lo {
						dt[i] = bf(v)
					}
					continue
				}
				hi := a[(pc+2*t+1)*lda+i0+r0:][:rh]
				for i, v := range lo {
					dt[i] = bf(v) | bf(hi[i])<<16
				}
			}
			continue
		}
		done := 0
		if mr == 14 && rh == 14 {
			done = packA14PairsFast(dst[(r0/mr)*steps*mr:], a, (i0+r0)*lda+pc, lda, kc) / 2
		}
		for i := range rh {
			row := a[(i0+r0+i)*lda+pc:][:kc]
			for t := done; t < kc/2; t++ {
				d[t*mr+i] = bf(row[2*t]) | bf(row[2*t+1])<<16
			}
			if kc%2 != 0 {
				d[(steps-1)*mr+i] = bf(row[kc-1])
			}
		}
	}
}
