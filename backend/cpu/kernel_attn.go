package cpu

import (
	"math"

	"github.com/lockstep-av/lockstep/backend"
)

// Attention tile sizes: a task owns attnBlockQ queries and streams the keys
// in blocks of attnBlockK, so its score scratch is attnBlockQ·attnBlockK
// floats whatever the sequence length.
const (
	attnBlockQ = 256
	attnBlockK = 256
)

// attnBlock holds the operands of one attention task: nq queries against
// all sk keys of one (batch, head).
type attnBlock struct {
	q       []float32 // nq×d, row stride d
	k       []float32 // sk×d, row stride d
	v       []float32 // sk×dv, row stride dv
	out     []float32 // nq×dv, row stride dv
	mask    []float32 // additive mask (nil for none), addressed by the offsets below
	maskOff int       // offset of the task's first query row in mask
	maskQ   int       // mask stride between queries (0 when broadcast)
	maskK   int       // mask stride between keys (0 when broadcast)
	nq, sk  int
	d, dv   int
	scale   float32
}

// attnScratch is one worker's scratch: a score tile, the running max and
// sum of each query row, and one float for a rescaling factor (the scalar
// operand of binaryKernel).
type attnScratch struct {
	s, m, l, alpha []float32
}

// attnFloats is the scratch size of one worker.
const attnFloats = attnBlockQ*attnBlockK + 2*attnBlockQ + 1

func newAttnScratch(buf []float32) attnScratch {
	const ns, nm = attnBlockQ * attnBlockK, attnBlockQ
	return attnScratch{
		s:     buf[:ns],
		m:     buf[ns : ns+nm],
		l:     buf[ns+nm : ns+2*nm],
		alpha: buf[ns+2*nm : attnFloats],
	}
}

// attnTile computes out = softmax(q·kᵀ·scale + mask)·v for one block of
// queries with the online softmax: keys are visited in blocks of
// attnBlockK; each row keeps its running maximum m and sum l, and the
// accumulator (out) is rescaled by exp(m_old - m_new) when m grows.
// Reference loop (per query row i):
//
//	for j := range sk { s[j] = dot(q[i], k[j])·scale + mask[i, j] }
//	m := max_j s[j]; l := Σ_j exp(s[j] - m)
//	out[i] = Σ_j exp(s[j] - m)·v[j] / l
//
// A row whose scores are all -Inf gets 0/0 = NaN, as PyTorch's math does.
// NaN propagates as in PyTorch: the maximum skips NaN scores, but their
// exponentials are NaN, and a block whose other scores are all -Inf sets
// m to NaN, so every exponential after it is NaN too; either way l and the
// whole output row become NaN (a NaN in v only reaches its own column).
// The block sizes are constants, so the summation order is fixed.
func attnTile(t *attnBlock, sc attnScratch) {
	m, l := sc.m[:t.nq], sc.l[:t.nq]
	for i := range m {
		m[i] = float32(math.Inf(-1))
		l[i] = 0
	}
	out := t.out[:t.nq*t.dv]
	clear(out)
	for k0 := 0; k0 < t.sk; k0 += attnBlockK {
		nk := min(attnBlockK, t.sk-k0)
		s := sc.s[:t.nq*nk]
		sgemm(t.nq, nk, t.d, t.q, t.d, false, t.k[k0*t.d:], t.d, true, s, nk, false)
		for i := range t.nq {
			row := s[i*nk : (i+1)*nk]
			var mx, sum float32
			if t.mask == nil && attnVector {
				mx, sum = attnRowAVX512(row, t.scale, m[i])
			} else {
				var mrow []float32
				if t.mask != nil {
					mrow = t.mask[t.maskOff+i*t.maskQ+k0*t.maskK:]
				}
				mx = attnScaleMax(row, mrow, t.maskK, t.scale, m[i])
			}
			switch {
			case math.IsInf(float64(mx), -1) && !hasNaN(row):
				// Every score so far is masked: this block adds nothing.
				clear(row)
				continue
			case math.IsInf(float64(mx), -1):
				// NaN scores among masked ones (the maximum skips NaN):
				// the row's softmax is NaN, as in PyTorch.
				mx = float32(math.NaN())
				sum = expSub(row, mx)
			case t.mask != nil || !attnVector:
				sum = expSub(row, mx)
			}
			alpha := attnExp(m[i] - mx)
			l[i] = l[i]*alpha + sum
			if alpha != 1 {
				acc := out[i*t.dv : (i+1)*t.dv]
				sc.alpha[0] = alpha
				binaryKernel(backend.Mul, acc, acc, 1, sc.alpha, 0) // acc[j] *= alpha
			}
			m[i] = mx
		}
		sgemm(t.nq, t.dv, nk, s, nk, false, t.v[k0*t.dv:], t.dv, false, out, t.dv, true)
	}
	for i := range t.nq {
		acc := out[i*t.dv : (i+1)*t.dv]
		binaryKernel(backend.Div, acc, acc, 1, l[i:i+1], 0) // acc[j] /= l[i]
	}
}

// attnScaleMax replaces row[j] by row[j]·scale + mask[j·maskK] (no mask
// when mask is nil) and returns the maximum of mx and the new values.
func attnScaleMax(row, mask []float32, maskK int, scale, mx float32) float32 {
	if mask == nil {
		if attnVector && len(row) > 0 {
			var acc [16]float32
			for i := range acc {
				acc[i] = mx
			}
			scaleMaxAVX512(row, scale, &acc)
			for _, v := range acc {
				if v > mx {
					mx = v
				}
			}
			return mx
		}
		for j, v := range row {
			v *= scale
			row[j] = v
			if v > mx {
				mx = v
			}
		}
		return mx
	}
	for j, v := range row {
		v = v*scale + mask[j*maskK]
		row[j] = v
		if v > mx {
			mx = v
		}
	}
	return mx
}

// hasNaN reports whether row holds a NaN.
func hasNaN(row []float32) bool {
	for _, v := range row {
		if v != v {
			return true
		}
	}
	return false
}

// expSub replaces row[j] by exp(row[j] - mx) and returns their sum. With
// AVX-512 the values are summed in 16 lanes (lane j%16; the last partial
// block under a lane mask) which are then added in lane order; without it
// everything is added in index order. Either way the order depends only on
// len(row).
func expSub(row []float32, mx float32) float32 {
	var sum float32
	if attnVector && len(row) > 0 {
		var acc [16]float32
		expSubAVX512(row, mx, &acc)
		for _, v := range acc {
			sum += v
		}
		return sum
	}
	for j, v := range row {
		e := attnExp(v - mx)
		row[j] = e
		sum += e
	}
	return sum
}

// attnExp is a float32 e^x with about 1 ulp of error: Cody–Waite range
// reduction x = n·ln2 + r with |r| ≤ ln2/2 (n rounded with the 1.5·2²³
// trick, no float-to-int conversion), then a degree-6 polynomial for e^r
// scaled by 2ⁿ through the exponent bits. Below -87.3 (including -Inf) it
// returns 0; NaN gives NaN (as in the vector kernels).
func attnExp(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
		magic = 12582912 // 1.5·2²³: adding it rounds to an integer
	)
	if x < -87.33654 {
		return 0
	}
	if x > 88 {
		return float32(math.Exp(float64(x)))
	}
	t := x*log2e + magic
	n := int32(math.Float32bits(t) - math.Float32bits(magic))
	fn := t - magic
	r := x - fn*ln2hi
	r -= fn * ln2lo
	z := r * r
	p := ((((1.9875691500e-4*r+1.3981999507e-3)*r+8.3334519073e-3)*r+4.1665795894e-2)*r+1.6666665459e-1)*r + 5.0000001201e-1
	y := p*z + r + 1
	return y * math.Float32frombits(uint32(n+127)<<23)
}
