// Package tensorops runs the scheduler's solvers on backend tensors: Ops
// implements scheduler.Ops[*Latent] with the backend.Context ops Affine,
// Binary and Constant, so every solver of package scheduler works on any
// backend unchanged.
//
// # Who owns what
//
// Backend tensors are immutable and a context's temporaries live until its
// Reset, but a solver keeps latents (its sample, the last x0 estimates of a
// multistep method) across steps while the model's context is Reset after
// every evaluation. The latents therefore never live in the model's context:
//
//   - Ops owns two contexts of its own. Every operation makes its result a
//     temporary of the current one and points the destination Latent at it
//     (a Latent is a small mutable holder of an immutable tensor; Copy
//     shares the tensor).
//   - Ops tracks every Latent it made (New, FromFloat32, Wrap) through weak
//     pointers. When the current context holds many more temporaries than
//     there are live latents, the next operation first copies each live
//     latent into the other context and Resets the current one (compaction),
//     so memory stays bounded by a small multiple of the live latents over
//     any number of steps, and the solver never sees it happen.
//   - The model owns its own context: it reads its input with Latent.Tensor,
//     computes in its context, stores the prediction with Ops.Set (which
//     copies it into Ops' context) and may then Reset its context.
//
// A tensor returned by Latent.Tensor is valid until the next call on the
// Ops that made the latent. Ops is not safe for concurrent use. Arithmetic
// is float32 (the backend's), with the solver's float64 coefficients
// rounded to float32; Normal draws float64 normals from the scheduler RNG
// in element order and rounds them.
package tensorops
