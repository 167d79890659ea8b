// Package demo is the Go inference of Lockstep's demo audio-video model
// (model/demo/SPEC.md; reference train/demo_model.py): the tokenizer and
// text encoder, and the AV-DiT that predicts the rectified-flow velocities
// of a video latent and an audio latent in one joint token sequence. The
// video and audio VAEs of the same checkpoint are loaded by package vae.
//
// Every size comes from the checkpoint's config (Config), so Load reads a
// larger checkpoint of the same family unchanged:
//
//	b := cpu.New(0)
//	f, err := weights.Open("lockstep-demo.safetensors")
//	m, err := demo.Load(b, f)
//	ids, err := m.Tokenizer.Encode("two small red balls bounce on a grey floor")
//	ctx := b.NewContext()
//	c := m.Text.Forward(ctx, ids)                   // [1, L, text.dim]
//	vv, va, err := m.DiT.Forward(ctx, zv, za, c, []float64{s}, []float64{s})
//
// The null caption of classifier-free guidance is Tokenizer.Null(); its
// context has one token, so the conditional and unconditional passes run as
// two calls (or as one batch of captions of equal length). The DiT builds
// the RoPE table of each latent shape once and reuses it.
//
// The layers come from package nn and compute in float32 from the fp16
// weights. Tests compare every module against float64 PyTorch references
// (testdata/golden_tiny.safetensors, written by train/golden_demo.py),
// including a guided sampling run step by step.
package demo
