// Package checkpoint embeds the trained demo checkpoint,
// lockstep-demo.safetensors (written by train/export.py), so that an
// installed lockstep command generates without downloading anything:
//
//	p, err := diffusion.LoadBytes(cpu.New(0), checkpoint.Bytes(), checkpoint.Name)
//
// Bytes returns the file's bytes (read-only: the pipeline aliases them)
// and Hash their SHA-256 as "sha256:" + hex, the model hash of every
// clip's sidecar.
package checkpoint
