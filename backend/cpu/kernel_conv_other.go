//go:build !amd64 || noasm

package cpu

// Without assembly, convTile stays nil and convolutions take the im2col
// path (package gemm's pure-Go GEMM).
