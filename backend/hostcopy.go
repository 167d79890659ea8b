package backend

// HostCopier is an optional Backend method: Float32Into copies t's values,
// converted to float32, into dst's storage and returns dst[:n] (n = the
// number of elements), allocating only when cap(dst) < n. Loops that read
// a tensor back every step (streaming decoders) use it through the
// package-level Float32Into to reuse one host buffer.
type HostCopier interface {
	Float32Into(dst []float32, t Tensor) []float32
}

// Float32Into copies t's values to host memory as b.Float32 does, but
// into dst's storage when it is large enough: the result is dst[:n] when
// cap(dst) >= n and a new slice otherwise. dst may be nil. Backends that
// implement HostCopier copy without a temporary; the fallback copies
// b.Float32's result (one allocation per call).
func Float32Into(b Backend, dst []float32, t Tensor) []float32 {
	if h, ok := b.(HostCopier); ok {
		return h.Float32Into(dst, t)
	}
	v := b.Float32(t)
	if cap(dst) < len(v) {
		return v
	}
	dst = dst[:len(v)]
	copy(dst, v)
	return dst
}
