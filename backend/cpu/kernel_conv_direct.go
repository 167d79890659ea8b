package cpu

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
)

// Tiles of the direct convolution kernel are convMR output channels by
// nr consecutive output positions, nr one of convWidths (16-float
// vectors), at most convNR.
const (
	convMR = 4
	convNR = 96
)

// convWidths are the tile widths of the direct path, widest first. Each
// shape takes the one with the least estimated time: positions computed
// (padding included) times convWidthCost, the relative time per position
// (narrower tiles reuse each weight broadcast less; measured on Zen 5).
var convWidths = []int{96, 80}

// convWidthCost is the relative time per computed position of each tile
// width.
func convWidthCost(nr int) float64 {
	if nr == 96 {
		return 1
	}
	return 1.08
}

// convTileFunc computes one convMR×nr tile of a direct convolution (see
// convKernelGo for the reference loop).
type convTileFunc func(nr, kc int, a convRows, b []float32, st convSteps, c []float32, ldc int, add bool, bias []float32)

// convSteps are the input offsets of a direct convolution's steps (one per
// weight column), with an upper bound of all of them, so that a tile's
// reads can be bounds-checked once rather than step by step.
type convSteps struct {
	offs []int
	hi   int // every offset is in [0, hi]
}

// newConvSteps wraps offs, which must not be negative.
func newConvSteps(offs []int) convSteps {
	hi := 0
	for _, o := range offs {
		if o < 0 {
			panic(fmt.Sprintf("cpu: negative conv step offset %d", o))
		}
		hi = max(hi, o)
	}
	return convSteps{offs: offs, hi: hi}
}

// from returns the steps from p on.
func (s convSteps) from(p int) convSteps { return convSteps{offs: s.offs[p:], hi: s.hi} }

// convTile is the tile kernel of the direct convolution path, nil where
// there is no vector kernel for this CPU or build (convolutions then take
// the im2col path). Tests may point it at convKernelGo.
var convTile convTileFunc

// convTileHalf reports whether convTile reads f16/bf16 weights itself;
// otherwise the direct path widens them first.
var convTileHalf bool

// convRows is the weight operand of a direct tile: convMR rows with row
// stride lda (in elements) of float32 values, or of raw little-endian
// f16/bf16 values that the kernels widen exactly as they read them.
type convRows struct {
	f32 []float32
	raw []byte
	dt  backend.DType // F32, F16 or BF16
	lda int
}

// from returns the rows from step p on.
func (a convRows) from(p int) convRows {
	if a.dt == backend.F32 {
		a.f32 = a.f32[p:]
	} else {
		a.raw = a.raw[2*p:]
	}
	return a
}

// elems is the number of elements the operand holds.
func (a convRows) elems() int {
	if a.dt == backend.F32 {
		return len(a.f32)
	}
	return len(a.raw) / 2
}

// row returns steps [0, kc) of row i as float32 (widened into buf when
// raw).
func (a convRows) row(i, kc int, buf []float32) []float32 {
	if a.dt == backend.F32 {
		return a.f32[i*a.lda : i*a.lda+kc]
	}
	if kc > 0 {
		widen(buf[:kc], a.dt, a.raw[2*i*a.lda:2*(i*a.lda+kc)])
	}
	return buf[:kc]
}

// convKernelGo is the reference loop of the direct convolution's tile
// kernel: a holds convMR rows of weights (A(i, p) is output channel i's
// weight for step p), step p reads nr consecutive input values at
// b[offs[p]:], and the tile is written to c with row stride ldc, after
// adding bias[i] to row i when bias is not nil:
//
//	for i := range convMR {
//		for j := range nr {
//			var s float32
//			for p := range kc {
//				s += A(i, p) * b[offs[p]+j] // fused multiply-add in assembly
//			}
//			if add {
//				s = c[i*ldc+j] + s
//			}
//			if bias != nil {
//				s += bias[i]
//			}
//			c[i*ldc+j] = s
//		}
//	}
func convKernelGo(nr, kc int, a convRows, b []float32, st convSteps, c []float32, ldc int, add bool, bias []float32) {
	checkConvTile(nr, kc, a, b, st, c, ldc, bias)
	offs := st.offs
	var acc [convMR * convNR]float32
	buf := make([]float32, kc)
	for i := range convMR {
		row := acc[i*nr : (i+1)*nr]
		for p, av := range a.row(i, kc, buf) {
			for j, bv := range b[offs[p]:][:nr] {
				row[j] += av * bv
			}
		}
	}
	for i := range convMR {
		row := c[i*ldc : i*ldc+nr]
		for j, s := range acc[i*nr : (i+1)*nr] {
			if add {
				s = row[j] + s
			}
			if bias != nil {
				s += bias[i]
			}
			row[j] = s
		}
	}
}

// checkConvTile panics unless the operands cover everything a tile kernel
// touches, so that the assembly never reads or writes outside them.
func checkConvTile(nr, kc int, a convRows, b []float32, st convSteps, c []float32, ldc int, bias []float32) {
	if nr < 1 || nr > convNR || kc < 0 || (bias != nil && len(bias) < convMR) || a.lda < kc ||
		a.elems() < (convMR-1)*a.lda+kc || len(st.offs) < kc || st.hi+nr > len(b) || ldc < nr || len(c) < (convMR-1)*ldc+nr {
		panic(fmt.Sprintf("cpu: conv tile operands too short (nr %d, kc %d, a %d with stride %d, steps %d reaching %d, b %d, c %d, ldc %d)",
			nr, kc, a.elems(), a.lda, len(st.offs), st.hi+nr, len(b), len(c), ldc))
	}
}
