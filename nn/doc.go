// Package nn holds the neural-network layers that Lockstep's models are
// built from: Linear, LayerNorm/RMSNorm/GroupNorm, activations and the
// feed-forward block, multi-head attention with q/k norm and rotary position
// embedding (RoPE), sinusoidal timestep embeddings, adaLN modulation, and
// convolutions (plain, causal with a streaming cache, transposed) with
// upsampling helpers.
//
// Every layer is a small struct whose backend.Tensor fields carry
// `weight:"..."` tags for weights.Bind, so a checkpoint binds straight into
// the model's struct tree; hyper-parameters (heads, eps, strides) are plain
// fields that the model code sets. Every weight field's comment gives its
// shape. The generic layers carry no `shape` tags, because their sizes differ
// from one instance to the next and BindOptions.Dims is global to a Bind
// call; model structs put shape tags with their own dimension names where
// they know them, and call the layers' Check methods (Linear, Attention,
// FeedForward) after binding to catch inconsistent checkpoints before the
// first step. Forward methods take a backend.Context,
// return temporaries of that context, never modify their inputs, and read
// like the math: layers are compositions of backend ops and of the
// backend's optional fast paths (backend.Attention, backend.LayerNorm, ...),
// so every backend runs them unchanged.
//
// Conventions:
//
//   - Activations are [..., features] for transformer layers (tokens
//     [B, S, D]) and [B, C, *spatial] for convolutions, as in PyTorch.
//   - Weights keep PyTorch's layout and may be stored as F16 or BF16;
//     compute is float32.
//   - RoPE: the head dimension D is split into axes (AxisDims3D gives Wan's
//     time/height/width split); positions are float64 per axis, so audio
//     tokens can sit at fractional times on the video's time axis
//     (TimePositions, ConcatPositions) and a joint sequence uses one table.
//   - Causal convolutions pad time on the left only and can run in time
//     chunks (Stream) with output identical to the whole clip (Forward).
//   - Position tables (RoPE angles, timestep frequencies) are computed in
//     float64 on the host and rounded to float32 once.
//   - Shape mismatches are programmer errors and panic with a
//     *backend.ShapeError (see backend.Recover).
package nn
