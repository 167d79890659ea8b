// Package kernels is the engine behind `lockstep bench kernels`, `bench
// step` and `bench decode`: it times the CPU backend's GEMM, fused
// attention and VAE convolution at fixed shapes, one denoising step of the
// demo model broken down into attention, MLP and the rest, and the demo
// VAE decoders, and returns one Record per measurement (median of several
// timed runs after a warm-up run, buffers reused across runs).
//
// The names and shapes of the records are the contract with
// bench/torch_compare.py, which runs the same work in PyTorch and prints
// the time ratio Lockstep/PyTorch line by line.
package kernels
