// Package backendtest is the conformance suite every backend runs.
//
// A backend's own test calls Run with a constructor, and its benchmarks call
// Bench:
//
//	func TestConformance(t *testing.T) {
//		backendtest.Run(t, func(n int) backend.Backend { return cpu.New(n) })
//	}
//
// Run has three parts, each a subtest:
//
//   - golden: every case of testdata/ops.safetensors, written by PyTorch
//     (train/golden_ops.py, `make golden`), covering every op of
//     backend.Context and every layer function of package backend. Layer
//     functions run twice: on the backend's own Context (its fast path, if
//     any) and on backend.WithoutFastPaths of it (the composed version).
//     Each run also checks that the op left its inputs unchanged.
//   - properties: checks that need no fixtures (Reset recycles memory and
//     results stay right across steps, Zeros after Reset is zero, shape
//     errors panic with *backend.ShapeError and backend.Recover turns them
//     into errors, ops do not modify temporaries they read), the fused
//     layer functions without fixtures (ModulatedLayerNorm, MatMulBias)
//     against float64 references, fast path and composed, and IEEE
//     specials as PyTorch treats them: one NaN in one input of each op
//     makes exactly the outputs that depend on it NaN and leaves the bits
//     of the others alone (nan_propagates), and the elementwise ops give
//     PyTorch 1.13's results for NaN, +Inf and -Inf (unary_specials).
//   - determinism: a small transformer block plus convolutions gives
//     bit-identical outputs with 1, 2 and 3 threads.
//
// # Tolerances
//
// The expected values are exact: PyTorch computes them in float64 from the
// stored float32 (or f16/bf16) inputs and rounds once. An element passes when
//
//	|got - want| <= tol_abs + tol_rel·|want|
//
// with the case's tol_abs and tol_rel from the fixture file. The generator
// checks that PyTorch's own float32 result meets every tolerance, so each is
// reachable by an ordinary float32 implementation. By op:
//
//	op                                   tol_abs  tol_rel  why
//	add sub mul maximum minimum          0        0        IEEE rounds each result correctly
//	neg abs relu square                  0        0        exact or one correctly rounded product
//	layout: reshape permute slice        0        0        data movement only
//	  concat pad embedding upsample
//	  depth_to_space cast(F16/BF16/F32)
//	reduce max/min                       0        0        selection only
//	div sqrt recip                       0        2.5e-7   allows a·(1/b) and rsqrt-based sqrt (2 ulp)
//	rsqrt                                0        1e-6     two roundings or an approximation plus Newton step
//	exp log tanh sigmoid silu            1e-7     1e-6     transcendental, float32 polynomial
//	softmax                              1e-7     1e-6     exp, a sum and a division
//	sin cos                              1e-6     1e-6     float32 range reduction of |x| <= 10 leaves an absolute error
//	gelu gelu_tanh                       1e-6     1e-6     1+erf (1+tanh) cancels for x < 0: absolute error ~|x|·eps
//	affine leaky_relu                    1e-6/1e-7 1e-6    a·s + h rounds twice (or once with FMA)
//	reduce sum/mean (≤ 6 terms)          1e-6     1e-6     summation order is free
//	reduce sum/mean (1000 terms)         1e-5     1e-5     rounding grows with the length
//	matmul conv conv_transpose1d         1e-5     1e-5     dot products of up to 129 terms; the inputs
//	attention                                              are scaled so results are O(1), and the
//	                                                       float32 accumulation error is ~√K·eps
//	layer_norm rms_norm group_norm       1e-6     1e-5     mean, variance and rsqrt each round
//	  pixel_norm
//	rope snake                           1e-6     1e-6     products that may cancel
//
// Half-precision weights (matmul and conv with F16/BF16 w, embedding with an
// F16 table) are compared with the exact widened weights and float32
// activations: the backend must not round the activations to half precision.
//
// Bench measures matmul at 1024³, attention at sequence 1024 and 4096
// (8 heads × 64), a causal conv3d of a small video-VAE shape and LayerNorm,
// each with 1 and 2 threads, reporting GFLOP/s or GB/s with b.ReportMetric.
package backendtest
