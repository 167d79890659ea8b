package backend

import "fmt"

// DType is a tensor's storage type. Compute is always float32.
type DType uint8

// Storage dtypes.
const (
	F32 DType = iota + 1
	F16
	BF16
)

// Size is the number of bytes of one element.
func (d DType) Size() int {
	switch d {
	case F32:
		return 4
	case F16, BF16:
		return 2
	}
	panic(fmt.Sprintf("backend: invalid dtype %d", uint8(d)))
}

// String returns the safetensors spelling of the dtype.
func (d DType) String() string {
	switch d {
	case F32:
		return "F32"
	case F16:
		return "F16"
	case BF16:
		return "BF16"
	}
	return fmt.Sprintf("DType(%d)", uint8(d))
}
