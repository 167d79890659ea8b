package backendtest

import (
	"fmt"
	"math"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// runDeterminism runs the same workload with 1, 2 and 3 threads, on the
// fast paths and on the composed layers, and requires bit-identical outputs.
func runDeterminism(t *testing.T, newBackend func(threads int) backend.Backend) {
	for _, composed := range []bool{false, true} {
		name := "fast"
		if composed {
			name = "composed"
		}
		t.Run(name, func(t *testing.T) {
			var ref [][]float32
			for _, threads := range []int{1, 2, 3} {
				b := newBackend(threads)
				var outs [][]float32
				guard(t, func() { outs = blockWorkload(t, b, composed) })
				b.Close()
				if ref == nil {
					ref = outs
					continue
				}
				for i := range outs {
					if j := firstBitDiff(outs[i], ref[i]); j >= 0 {
						t.Errorf("output %d with %d threads differs from 1 thread at index %d: %g vs %g",
							i, threads, j, outs[i][j], ref[i][j])
					}
				}
			}
			for i, o := range ref {
				for j, v := range o {
					if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
						t.Fatalf("output %d is not finite at index %d", i, j)
					}
				}
			}
		})
	}
}

// blockWorkload is a mini transformer block (LayerNorm, QKV projection,
// RoPE, attention, output projection, RMSNorm, GELU MLP with a bias,
// adaLN-modulated
// LayerNorm) followed by a
// causal conv1d, GroupNorm, SiLU, a causal conv3d, nearest upsampling and a
// long masked attention, on seeded data. It returns the outputs of each part.
// The sizes exceed a few times 16k elements so that a CPU backend splits
// even elementwise ops over its threads.
func blockWorkload(tb testing.TB, b backend.Backend, composed bool) [][]float32 {
	const (
		S, D, H = 256, 128, 4
		Dh      = D / H
	)
	p := func(seed uint64, scale float64, shape ...int) backend.Tensor {
		return persistent(tb, b, seed, scale, shape...)
	}
	g1, b1, g2 := p(1, 0.1, D), p(2, 0.1, D), p(3, 0.1, D)
	wqkv, wo := p(4, fanIn(D), 3*D, D), p(5, fanIn(D), D, D)
	w1, w2 := p(6, fanIn(D), 4*D, D), p(7, fanIn(4*D), D, 4*D)
	wc, bc := p(8, fanIn(3*D), 64, D, 3), p(9, 0.1, 64)
	w3 := p(10, fanIn(27*64), 16, 64, 3, 3, 3)
	cosd, sind := make([]float32, S*Dh/2), make([]float32, S*Dh/2)
	for s := range S {
		for j := range Dh / 2 {
			a := float64(s) * math.Pow(10000, -2*float64(j)/Dh)
			cosd[s*Dh/2+j], sind[s*Dh/2+j] = float32(math.Cos(a)), float32(math.Sin(a))
		}
	}

	ctx := b.NewContext()
	defer ctx.Reset()
	c := ctx
	if composed {
		c = backend.WithoutFastPaths(ctx)
	}
	cos, sin := c.Constant(cosd, S, Dh/2), c.Constant(sind, S, Dh/2)
	x := c.Constant(randData(11, S*D, 1), 1, S, D)

	h := backend.LayerNorm(c, x, c.Affine(g1, 1, 1), b1, 1e-5)
	qkv := c.Permute(c.Reshape(c.MatMul(h, wqkv, false, true), 1, S, 3, H, Dh), 2, 0, 3, 1, 4)
	part := func(i int) backend.Tensor { return c.Reshape(c.Slice(qkv, 0, i, i+1), 1, H, S, Dh) }
	q := backend.RoPE(c, part(0), cos, sin, backend.RoPESplitHalf)
	k := backend.RoPE(c, part(1), cos, sin, backend.RoPEInterleaved)
	a := backend.Attention(c, q, k, part(2), nil, float32(1/math.Sqrt(Dh)))
	a = c.Reshape(c.Permute(a, 0, 2, 1, 3), 1, S, D)
	x = c.Binary(backend.Add, x, c.MatMul(a, wo, false, true))
	h = backend.RMSNorm(c, x, c.Affine(g2, 1, 1), 1e-6)
	m := c.Unary(backend.GELU, backend.MatMulBias(c, h, w1, c.Reshape(c.Slice(c.Reshape(w2, 4*D*D), 0, 0, 4*D), 4*D), false, true))
	x = c.Binary(backend.Add, x, c.MatMul(m, w2, false, true))
	mod := backend.ModulatedLayerNorm(c, x, c.Reshape(b1, 1, 1, D), c.Reshape(g2, 1, 1, D), 1e-6)

	// [1, D, S] causal conv1d (replicate), GroupNorm, SiLU.
	y := c.Permute(x, 0, 2, 1)
	y = c.Conv(y, wc, bc, backend.ConvParams{PadBefore: []int{2}, PadAfter: []int{0}, PadMode: backend.PadReplicate})
	y = c.Unary(backend.SiLU, backend.GroupNorm(c, y, 4, nil, nil, 1e-5))
	// [1, 64, 4, 8, 8] causal conv3d (zeros), nearest upsampling.
	v := c.Reshape(y, 1, 64, 4, 8, 8)
	v = c.Conv(v, w3, nil, backend.ConvParams{PadBefore: []int{2, 1, 1}, PadAfter: []int{0, 1, 1}})
	v = c.UpsampleNearest(v, 1, 2, 2)

	// A longer causal attention that spans several tiles of a tiled kernel.
	const L, Dl = 257, 32
	ql := c.Constant(randData(12, 2*L*Dl, 1), 1, 2, L, Dl)
	kl := c.Constant(randData(13, 2*L*Dl, 1), 1, 2, L, Dl)
	vl := c.Constant(randData(14, 2*L*Dl, 1), 1, 2, L, Dl)
	mask := make([]float32, L*L)
	for i := range L {
		for j := i + 1; j < L; j++ {
			mask[i*L+j] = float32(math.Inf(-1))
		}
	}
	al := backend.Attention(c, ql, kl, vl, c.Constant(mask, L, L), float32(1/math.Sqrt(Dl)))
	sm := c.Softmax(c.Reduce(backend.Sum, al, -1, false), -1)

	outs := [][]float32{b.Float32(x), b.Float32(y), b.Float32(v), b.Float32(al), b.Float32(sm), b.Float32(mod)}
	for i, o := range outs {
		if len(o) == 0 {
			panic(fmt.Sprintf("workload output %d is empty", i))
		}
	}
	return outs
}
