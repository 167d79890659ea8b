//go:build !amd64 || noasm

package cpu

// Without assembly, convTile stays nil and convolutions take the im2col
// path (the portable GEMM); tests still run the direct path's driver with
// convKernelGo.
