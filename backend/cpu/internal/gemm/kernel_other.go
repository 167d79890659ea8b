//go:build !amd64 || noasm

package gemm

// available lists the kernels this build can run: only the portable one.
func available() []kernel { return []kernel{genericKernel} }
