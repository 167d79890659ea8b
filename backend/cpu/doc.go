// Package cpu is Lockstep's pure-Go CPU backend (no cgo).
//
// Tensors are dense, row-major float32 slices (F16/BF16 storage is kept as
// raw bytes and widened where an op needs it). A Context allocates
// temporaries from an arena that Reset recycles, so a loop of equal
// denoising steps allocates its buffers once.
//
// Work is split over goroutines by output ranges: every output element is
// computed by exactly one goroutine, in a fixed serial order, so results are
// bit-identical whatever the thread count.
//
// Kernels are small functions over plain slices (kernel_*.go) whose doc
// comment gives the reference loop; faster implementations can replace them
// one at a time.
package cpu
