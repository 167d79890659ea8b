// Package tensortest holds the helpers the model packages' tests share:
// an elementwise comparison of float32 values against a reference within
// |got - want| <= abs + rel·|want| that logs the max abs and max rel error
// and reports where the worst value is, a PSNR check, the loading of
// golden tensors from a weights.File, and the demo model's golden fixtures
// (DemoFixtures: the tiny random model with its weights inside, and the
// trained checkpoint's, skipped while the checkpoint is not built and
// failed when stale) that the model/demo, vae and diffusion golden tests
// all run on.
//
// It is internal and meant for _test.go files only.
package tensortest
