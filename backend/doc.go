// Package backend defines Lockstep's narrow tensor-backend interface and its
// registry.
//
// A Backend owns persistent tensors (weights, latents) and hands out
// Contexts. A Context owns the temporaries of one unit of work (typically one
// denoising step): every op returns a new tensor that lives until the
// context's Reset, which recycles the memory for the next step. Tensors are
// opaque handles; host code reads values back with Backend.Float32.
//
// The required interface is small: elementwise ops with broadcasting,
// reductions, softmax, batched matmul, layout ops, convolution and nearest
// upsampling. Heavier layers (fused attention, norms, RoPE, Snake) are
// optional fast paths: a backend implements them by having its Context
// satisfy Attender, LayerNormer, and so on, and callers go through the
// package-level functions (Attention, LayerNorm, ...) which find the fast path
// by type assertion and otherwise compose the layer from required ops.
// WithoutFastPaths hides the fast paths so that the composed versions can be
// tested on any backend.
//
// Storage dtypes are F32, F16 and BF16; all arithmetic is done in float32.
//
// Shape errors inside an op are programmer errors and panic with a
// *ShapeError; the pipeline boundary recovers them into ordinary errors with
// Recover.
package backend
