package backend

// Optional fast paths. A backend's Context implements any of these to
// replace the composed version of the layer; callers use the package-level
// functions, which dispatch by type assertion.

// Attender computes scaled dot-product attention without materialising the
// score matrix when it can.
type Attender interface {
	Attention(q, k, v, mask Tensor, scale float32) Tensor
}

// MatMulBiaser multiplies and adds a per-column bias in one op (see
// MatMulBias).
type MatMulBiaser interface {
	MatMulBias(a, b, bias Tensor, transA, transB bool) Tensor
}

// LayerNormer normalises over the last axis.
type LayerNormer interface {
	LayerNorm(x, w, b Tensor, eps float32) Tensor
}

// ModulatedLayerNormer fuses adaLN modulation into a LayerNorm without
// affine parameters (see ModulatedLayerNorm).
type ModulatedLayerNormer interface {
	ModulatedLayerNorm(x, shift, scale Tensor, eps float32) Tensor
}

// RMSNormer normalises by the root mean square over the last axis.
type RMSNormer interface {
	RMSNorm(x, w Tensor, eps float32) Tensor
}

// GroupNormer normalises channel groups of x [N, C, ...].
type GroupNormer interface {
	GroupNorm(x Tensor, groups int, w, b Tensor, eps float32) Tensor
}

// PixelNormer normalises by the root mean square along one axis.
type PixelNormer interface {
	PixelNorm(x Tensor, axis int, eps float32) Tensor
}

// RoPEer rotates query/key features by position.
type RoPEer interface {
	RoPE(x, cos, sin Tensor, layout RoPELayout) Tensor
}

// Snaker applies the Snake activation.
type Snaker interface {
	Snake(x, alpha, beta Tensor) Tensor
}

// RoPELayout says which features form a rotated pair.
type RoPELayout uint8

// RoPE layouts.
const (
	// RoPESplitHalf pairs feature i with feature i + D/2 (GPT-NeoX, Wan, diffusers' default).
	RoPESplitHalf RoPELayout = iota
	// RoPEInterleaved pairs features 2i and 2i+1 (GPT-J, LTX).
	RoPEInterleaved
)

// SnakeEps is added to the divisor of Snake, as in BigVGAN.
const SnakeEps = 1e-9

// WithoutFastPaths returns a view of c that exposes only the required
// Context methods, so every layer function takes its composed path. The
// conformance suite uses it to test the composed versions on each backend.
func WithoutFastPaths(c Context) Context {
	return plainContext{c}
}

type plainContext struct{ Context }
