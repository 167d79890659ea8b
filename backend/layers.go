package backend

// Attention is softmax(q·kᵀ·scale + mask)·v for q [B, H, Sq, D] and k, v
// [B, H, Sk, D] (v may have its own last dimension Dv). mask is nil or an
// additive mask broadcastable to [B, H, Sq, Sk] (use -Inf to mask out).
// The result is [B, H, Sq, Dv].
func Attention(c Context, q, k, v, mask Tensor, scale float32) Tensor {
	if f, ok := c.(Attender); ok {
		return f.Attention(q, k, v, mask, scale)
	}
	s := c.Affine(c.MatMul(q, k, false, true), scale, 0)
	if mask != nil {
		s = c.Binary(Add, s, mask)
	}
	return c.MatMul(c.Softmax(s, -1), v, false, false)
}

// MatMulBias is MatMul(a, b, transA, transB) plus bias [N] (nil for none)
// added to every row of the product: a linear layer with bias.
func MatMulBias(c Context, a, b, bias Tensor, transA, transB bool) Tensor {
	if f, ok := c.(MatMulBiaser); ok {
		return f.MatMulBias(a, b, bias, transA, transB)
	}
	y := c.MatMul(a, b, transA, transB)
	if bias != nil {
		y = c.Binary(Add, y, bias)
	}
	return y
}

// LayerNorm is (x - mean)/√(var + eps)·w + b over the last axis, with the
// biased variance. w and b ([D]) may be nil.
func LayerNorm(c Context, x, w, b Tensor, eps float32) Tensor {
	if f, ok := c.(LayerNormer); ok {
		return f.LayerNorm(x, w, b, eps)
	}
	xc := c.Binary(Sub, x, c.Reduce(Mean, x, -1, true))
	y := normalize(c, xc, xc, -1, eps)
	return scaleShift(c, y, w, b)
}

// ModulatedLayerNorm is adaLN's LayerNorm(x)·(1 + scale) + shift: a
// LayerNorm over the last axis without affine parameters, then the
// modulation, with shift and scale broadcast against x (typically
// [B, 1, D] against x [B, S, D]). The result has x's shape.
func ModulatedLayerNorm(c Context, x, shift, scale Tensor, eps float32) Tensor {
	if f, ok := c.(ModulatedLayerNormer); ok {
		return f.ModulatedLayerNorm(x, shift, scale, eps)
	}
	y := c.Binary(Mul, LayerNorm(c, x, nil, nil, eps), c.Affine(scale, 1, 1))
	return c.Binary(Add, y, shift)
}

// RMSNorm is x/√(mean(x²) + eps)·w over the last axis; w ([D]) may be nil.
func RMSNorm(c Context, x, w Tensor, eps float32) Tensor {
	if f, ok := c.(RMSNormer); ok {
		return f.RMSNorm(x, w, eps)
	}
	return scaleShift(c, normalize(c, x, x, -1, eps), w, nil)
}

// PixelNorm is x/√(mean(x²) + eps) along axis.
func PixelNorm(c Context, x Tensor, axis int, eps float32) Tensor {
	if f, ok := c.(PixelNormer); ok {
		return f.PixelNorm(x, axis, eps)
	}
	return normalize(c, x, x, axis, eps)
}

// GroupNorm normalises x [N, C, ...] over each of groups channel groups
// (and all trailing axes), then applies per-channel w and b ([C], may be nil).
func GroupNorm(c Context, x Tensor, groups int, w, b Tensor, eps float32) Tensor {
	if f, ok := c.(GroupNormer); ok {
		return f.GroupNorm(x, groups, w, b, eps)
	}
	shape := x.Shape()
	if len(shape) < 2 || groups <= 0 || shape[1]%groups != 0 {
		ShapePanic("GroupNorm", "channels not divisible into groups", x)
	}
	g := c.Reshape(x, shape[0], groups, -1)
	gc := c.Binary(Sub, g, c.Reduce(Mean, g, -1, true))
	y := c.Reshape(normalize(c, gc, gc, -1, eps), shape...)
	chans := make([]int, len(shape)-1)
	for i := range chans {
		chans[i] = 1
	}
	chans[0] = shape[1]
	if w != nil {
		y = c.Binary(Mul, y, c.Reshape(w, chans...))
	}
	if b != nil {
		y = c.Binary(Add, y, c.Reshape(b, chans...))
	}
	return y
}

// RoPE rotates pairs of features of x [..., S, D] by angles whose cosines
// and sines are cos and sin [S, D/2] (broadcast over leading axes). Pair j
// is (j, j+D/2) for RoPESplitHalf and (2j, 2j+1) for RoPEInterleaved:
//
//	out[a] = x[a]·cos[j] - x[b]·sin[j]
//	out[b] = x[b]·cos[j] + x[a]·sin[j]
func RoPE(c Context, x, cos, sin Tensor, layout RoPELayout) Tensor {
	if f, ok := c.(RoPEer); ok {
		return f.RoPE(x, cos, sin, layout)
	}
	shape := x.Shape()
	d := shape[len(shape)-1]
	if d%2 != 0 {
		ShapePanic("RoPE", "odd feature dimension", x, cos, sin)
	}
	rot := func(x1, x2, cs, sn Tensor) (Tensor, Tensor) {
		a := c.Binary(Sub, c.Binary(Mul, x1, cs), c.Binary(Mul, x2, sn))
		b := c.Binary(Add, c.Binary(Mul, x2, cs), c.Binary(Mul, x1, sn))
		return a, b
	}
	if layout == RoPESplitHalf {
		a, b := rot(c.Slice(x, -1, 0, d/2), c.Slice(x, -1, d/2, d), cos, sin)
		return c.Concat(-1, a, b)
	}
	pairs := append(append([]int{}, shape[:len(shape)-1]...), d/2, 2)
	xp := c.Reshape(x, pairs...)
	cs := c.Reshape(cos, append(cos.Shape()[:len(cos.Shape()):len(cos.Shape())], 1)...)
	sn := c.Reshape(sin, append(sin.Shape()[:len(sin.Shape()):len(sin.Shape())], 1)...)
	a, b := rot(c.Slice(xp, -1, 0, 1), c.Slice(xp, -1, 1, 2), cs, sn)
	return c.Reshape(c.Concat(-1, a, b), shape...)
}

// Snake is x + sin²(alpha·x)/(beta + SnakeEps) for x [B, C, T] and
// per-channel alpha and beta [C]; beta nil means beta = alpha (plain Snake).
func Snake(c Context, x, alpha, beta Tensor) Tensor {
	if f, ok := c.(Snaker); ok {
		return f.Snake(x, alpha, beta)
	}
	shape := x.Shape()
	if len(shape) != 3 {
		ShapePanic("Snake", "x must be [B, C, T]", x, alpha)
	}
	if beta == nil {
		beta = alpha
	}
	a := c.Reshape(alpha, shape[1], 1)
	inv := c.Unary(Recip, c.Affine(c.Reshape(beta, shape[1], 1), 1, SnakeEps))
	s := c.Unary(Square, c.Unary(Sin, c.Binary(Mul, x, a)))
	return c.Binary(Add, x, c.Binary(Mul, s, inv))
}

// DepthToSpace moves channel blocks into the trailing spatial axes:
// x [B, C·∏f, *S] becomes [B, C, S0·f0, S1·f1, ...] with the factor axes
// ordered (c, f0, f1, ...) in the channel dimension, as PyTorch's
// pixel_shuffle for 2-d and its usual 3-d generalisation.
func DepthToSpace(c Context, x Tensor, factors ...int) Tensor {
	shape := x.Shape()
	n := len(factors)
	if len(shape) != n+2 {
		ShapePanic("DepthToSpace", "rank must be 2 + number of factors", x)
	}
	prod := 1
	for _, f := range factors {
		prod *= f
	}
	if shape[1]%prod != 0 {
		ShapePanic("DepthToSpace", "channels not divisible by the factors' product", x)
	}
	// [B, C, f0..fn-1, S0..Sn-1] -> [B, C, S0, f0, S1, f1, ...]
	split := append([]int{shape[0], shape[1] / prod}, factors...)
	split = append(split, shape[2:]...)
	axes := []int{0, 1}
	out := []int{shape[0], shape[1] / prod}
	for i := range n {
		axes = append(axes, 2+n+i, 2+i)
		out = append(out, shape[2+i]*factors[i])
	}
	return c.Reshape(c.Permute(c.Reshape(x, split...), axes...), out...)
}

// normalize returns x/√(mean(sq², axis) + eps).
func normalize(c Context, x, sq Tensor, axis int, eps float32) Tensor {
	ms := c.Reduce(Mean, c.Unary(Square, sq), axis, true)
	return c.Binary(Mul, x, c.Unary(Rsqrt, c.Affine(ms, 1, eps)))
}

// scaleShift returns y·w + b, skipping nil operands.
func scaleShift(c Context, y, w, b Tensor) Tensor {
	if w != nil {
		y = c.Binary(Mul, y, w)
	}
	if b != nil {
		y = c.Binary(Add, y, b)
	}
	return y
}
