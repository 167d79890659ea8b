package checkpoint

import _ "embed" // for go:embed

// Name is the embedded checkpoint's file name; it names the model in errors
// and sidecars.
const Name = "lockstep-demo.safetensors"

//go:embed lockstep-demo.safetensors
var data []byte

// Bytes returns the embedded checkpoint file. The slice aliases the
// binary's read-only data: callers must not modify it.
func Bytes() []byte { return data }
