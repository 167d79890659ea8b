// Command lockstep generates joint audio-video clips with latent diffusion
// and inspects, benchmarks and evaluates the models that do it.
package main

import (
	"fmt"
	"os"

	"github.com/alecthomas/kong"
)

// version is the engine version, stamped into outputs.
const version = "0.1.0-dev"

type cli struct {
	Generate generateCmd      `cmd:"" help:"Generate a clip with sound from a prompt."`
	Decode   decodeCmd        `cmd:"" help:"Decode latents saved by generate --save-latents into a clip."`
	Eval     evalCmd          `cmd:"" help:"Measure clips of the demo family: A/V sync, impacts heard and seen, motion, caption agreement."`
	Inspect  inspectCmd       `cmd:"" help:"List the tensors, dtypes, shapes and metadata of a safetensors file."`
	Bench    benchCmd         `cmd:"" help:"Benchmarks: lockstep bench schedulers, kernels, step, decode."`
	Version  kong.VersionFlag `help:"Print the version and exit."`
}

func main() {
	var c cli
	ctx := kong.Parse(&c,
		kong.Name("lockstep"),
		kong.Description("Joint audio + video latent diffusion engine."),
		kong.Vars{"version": version},
		kong.UsageOnError(),
	)
	if err := ctx.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "lockstep:", err)
		os.Exit(1)
	}
}
