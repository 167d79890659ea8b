//go:build !amd64 || noasm

package cpu

// actVector is false: the activations run in Go.
const actVector = false

func expAVX512(dst, src []float32)      { panic("cpu: expAVX512 without assembly") }
func sigmoidAVX512(dst, src []float32)  { panic("cpu: sigmoidAVX512 without assembly") }
func siluAVX512(dst, src []float32)     { panic("cpu: siluAVX512 without assembly") }
func geluTanhAVX512(dst, src []float32) { panic("cpu: geluTanhAVX512 without assembly") }

func snakeAVX512(dst, x []float32, a, inv float32) bool {
	panic("cpu: snakeAVX512 without assembly")
}
