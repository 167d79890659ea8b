//go:build !amd64 || noasm

package cpu

// ropeVector is false: ropeRow runs in Go.
const ropeVector = false

func ropeHalfAVX512(dst, x, cos, sin []float32) { panic("cpu: ropeHalfAVX512 without assembly") }

func ropePairsAVX512(dst, x, cos, sin []float32) { panic("cpu: ropePairsAVX512 without assembly") }
