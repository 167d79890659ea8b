//go:build !amd64 || noasm

package cpu

// actAsmSets returns no kernels: the activations run in Go.
func actAsmSets() []actSet { return nil }
