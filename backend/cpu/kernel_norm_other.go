//go:build !amd64 || noasm

package cpu

// normAsm returns nil: the norm rows run in Go.
func normAsm() *normKernels { return nil }
