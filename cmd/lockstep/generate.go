package main

import "errors"

// generateCmd is the generate subcommand. The demo model and the pipeline
// are not built yet, so it reports what is missing instead of pretending.
type generateCmd struct{}

func (g *generateCmd) Run() error {
	return errors.New("generate is not available yet: the demo model (issue 3) and the Go pipeline (issue 4) are still to be built; " +
		"today the engine core works: try `lockstep inspect FILE.safetensors` or `make test`")
}
