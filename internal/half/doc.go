// Package half converts between float32 and the 16-bit storage formats
// IEEE 754 binary16 (F16) and bfloat16 (BF16), in bulk, little-endian.
//
// F16 conversion uses github.com/x448/float16 (exact, with subnormals, and
// round-to-nearest-even when narrowing). BF16 is the upper half of a
// float32: widening is a shift, narrowing rounds to nearest even and keeps
// NaNs quiet.
package half
