package cpu

import "math"

// Row statistics and the normalising write of LayerNorm, RMSNorm and
// GroupNorm. The sums are taken in float64 in one fixed order that the
// AVX-512 kernels (kernel_norm_avx512_amd64.s) follow exactly, so the fast
// and the portable path give the same bits:
//
//   - the first len(x)&^15 elements go to 16 lane sums, element j to lane
//     j%16, each lane in index order;
//   - the lanes are combined pairwise: lane i += lane i+8 (i < 8), then
//     i += i+4, i += i+2, and the total is lane 0 + lane 1;
//   - the last len(x)%16 elements are added to the total in index order.
//
// The per-row normalise is elementwise float32 with every product rounded
// (no fused multiply-add), so the kernels match the Go loops bit for bit.

// normLanes is the number of float64 partial sums of the row kernels.
const normLanes = 16

// normVec holds the AVX-512 row kernels, or nil where the CPU lacks them
// (or with -tags noasm): then the Go loops below run.
var normVec = normAsm()

// normKernels are the vector row kernels. Each needs len(x) to be a
// multiple of 16 for sum and sqDev; the normalising writes handle any
// length >= 1 (the tail under a lane mask), with row, w and b at least as
// long as dst.
type normKernels struct {
	sum   func(x []float32) float64               // lane-ordered Σ x
	sqDev func(x []float32, mean float64) float64 // lane-ordered Σ (x-mean)², fused multiply-add
	norm  func(dst, row []float32, mean, rstd float32)
	normW func(dst, row []float32, mean, rstd float32, w []float32)
	normB func(dst, row []float32, mean, rstd float32, w, b []float32)
}

// laneReduce combines the 16 lane sums in the fixed pairwise order.
func laneReduce(a *[normLanes]float64) float64 {
	for i := range 8 {
		a[i] += a[i+8]
	}
	for i := range 4 {
		a[i] += a[i+4]
	}
	for i := range 2 {
		a[i] += a[i+2]
	}
	return a[0] + a[1]
}

// rowSum returns Σ x in float64 in the fixed order above.
func rowSum(x []float32) float64 {
	n := len(x) &^ (normLanes - 1)
	var s float64
	if n > 0 {
		if normVec != nil {
			s = normVec.sum(x[:n])
		} else {
			var a [normLanes]float64
			for j := 0; j < n; j += normLanes {
				for l, v := range x[j : j+normLanes] {
					a[l] += float64(v)
				}
			}
			s = laneReduce(&a)
		}
	}
	for _, v := range x[n:] {
		s += float64(v)
	}
	return s
}

// rowSqDev returns Σ (x - mean)² in float64 in the fixed order above, each
// term accumulated with a fused multiply-add.
func rowSqDev(x []float32, mean float64) float64 {
	n := len(x) &^ (normLanes - 1)
	var q float64
	if n > 0 {
		if normVec != nil {
			q = normVec.sqDev(x[:n], mean)
		} else {
			var a [normLanes]float64
			for j := 0; j < n; j += normLanes {
				for l, v := range x[j : j+normLanes] {
					d := float64(v) - mean
					a[l] = math.FMA(d, d, a[l])
				}
			}
			q = laneReduce(&a)
		}
	}
	for _, v := range x[n:] {
		d := float64(v) - mean
		q = math.FMA(d, d, q)
	}
	return q
}

// meanRstd returns the mean of row and 1/√(biased variance + eps), both
// accumulated in float64 (two passes over the row, which is in cache).
func meanRstd(row []float32, eps float32) (float64, float32) {
	mean := rowSum(row) / float64(len(row))
	q := rowSqDev(row, mean)
	return mean, float32(1 / math.Sqrt(q/float64(len(row))+float64(eps)))
}

// rmsScale returns 1/√(Σ x²/len(x) + eps), the sum in float64.
func rmsScale(x []float32, eps float32) float32 {
	q := rowSqDev(x, 0)
	return float32(1 / math.Sqrt(q/float64(len(x))+float64(eps)))
}

// normRow writes dst[i] = (row[i]-mean)·rstd·w[i] + b[i], each product
// rounded to float32; w and b may be nil (1 and 0).
func normRow(dst, row []float32, mean, rstd float32, w, b []float32) {
	if len(dst) == 0 {
		return
	}
	row = row[:len(dst)]
	switch {
	case w != nil && b != nil:
		w, b = w[:len(dst)], b[:len(dst)]
		if normVec != nil {
			normVec.normB(dst, row, mean, rstd, w, b)
			return
		}
		for i, v := range row {
			dst[i] = float32(float32((v-mean)*rstd)*w[i]) + b[i]
		}
	case w != nil:
		w = w[:len(dst)]
		if normVec != nil {
			normVec.normW(dst, row, mean, rstd, w)
			return
		}
		for i, v := range row {
			dst[i] = float32((v-mean)*rstd) * w[i]
		}
	case b != nil:
		b = b[:len(dst)]
		for i, v := range row {
			dst[i] = float32((v-mean)*rstd) + b[i]
		}
	default:
		if normVec != nil {
			normVec.norm(dst, row, mean, rstd)
			return
		}
		for i, v := range row {
			dst[i] = (v - mean) * rstd
		}
	}
}
