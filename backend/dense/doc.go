// Package dense converts between backend tensors and gorgonia.org/tensor's
// *tensor.Dense, the host-side exchange type for research code that already
// speaks gorgonia (inspect a latent in a notebook-style Go program, feed a
// tensor built elsewhere into a model).
//
// gorgonia is not on Lockstep's hot path: it has no f16/bf16 dtype and its
// kernels are far slower than the backends'. Its second use is as an
// independent oracle in this package's tests, where a small gorgonia graph
// checks the CPU backend's ops.
package dense
