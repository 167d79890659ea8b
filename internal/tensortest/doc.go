// Package tensortest holds the helpers the model packages' tests share:
// an elementwise comparison of float32 values against a reference within
// |got - want| <= abs + rel·|want| that logs the max abs and max rel error
// and reports where the worst value is, and the loading of golden tensors
// from a weights.File.
//
// It is internal and meant for _test.go files only.
package tensortest
