package cpu

import "fmt"

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
type convTileFunc func(nr, kc int, a []float32, lda int, b []float32, st convSteps, c []float32, ldc int, add bool, bias []float32)

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

// convKernelGo is the reference loop of the direct convolution's tile
// kernel: a holds convMR rows of weights with row stride lda (a[i·lda+p]
// is output channel i's weight for step p), step p reads nr consecutive
// input values at b[offs[p]:], and the tile is written to c
// with row stride ldc, after adding bias[i] to row i when bias is not nil:
//
//	for i := range convMR {
//		for j := range nr {
//			var s float32
//			for p := range kc {
//				s += a[i*lda+p] * b[offs[p]+j] // fused multiply-add in assembly
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
func convKernelGo(nr, kc int, a []float32, lda int, b []float32, st convSteps, c []float32, ldc int, add bool, bias []float32) {
	checkConvTile(nr, kc, a, lda, b, st, c, ldc, bias)
	offs := st.offs
	var acc [convMR * convNR]float32
	for p := range kc {
		src := b[offs[p]:][:nr]
		for i := range convMR {
			av := a[i*lda+p]
			row := acc[i*nr : (i+1)*nr]
			for j, bv := range src {
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
func checkConvTile(nr, kc int, a []float32, lda int, b []float32, st convSteps, c []float32, ldc int, bias []float32) {
	if nr < 1 || nr > convNR || kc < 0 || (bias != nil && len(bias) < convMR) || lda < kc || len(a) < (convMR-1)*lda+kc ||
		len(st.offs) < kc || st.hi+nr > len(b) || ldc < nr || len(c) < (convMR-1)*ldc+nr {
		panic(fmt.Sprintf("cpu: conv tile operands too short (nr %d, kc %d, a %d with stride %d, steps %d reaching %d, b %d, c %d, ldc %d)",
			nr, kc, len(a), lda, len(st.offs), st.hi+nr, len(b), len(c), ldc))
	}
}
