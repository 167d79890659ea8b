package cpu

import "github.com/lockstep-av/lockstep/backend"

// Float32Into copies t's values into dst's storage, widening F16/BF16, and
// returns dst[:n]; it allocates only when cap(dst) < n (see
// backend.HostCopier).
func (b *Backend) Float32Into(dst []float32, t backend.Tensor) []float32 {
	ct := tensorOf("Float32Into", t)
	n := ct.Len()
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	if ct.dtype == backend.F32 {
		copy(dst, ct.data)
		return dst
	}
	widen(dst, ct.dtype, ct.raw)
	return dst
}
