// Package checkpoint embeds the trained demo checkpoint,
// lockstep-demo.safetensors (fp16, written by `make train-demo`; model card
// in MODEL_CARD.md), so that an installed lockstep command generates without
// downloading anything:
//
//	p, err := diffusion.LoadBytes(cpu.New(0), checkpoint.Bytes(), checkpoint.Name)
//
// Bytes returns the file's bytes, read-only: the pipeline aliases them, so the
// weights are paged in from the executable on first use like a memory map.
// The SHA-256 of the bytes (diffusion.HashBytes) is the model hash of every
// clip's sidecar.
package checkpoint
