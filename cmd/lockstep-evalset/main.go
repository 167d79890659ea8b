// Command lockstep-evalset drives the quality-bar evaluation of the demo
// model: it draws the list of clips (captions, sizes, noise seeds) from the
// scene generator, has the Go engine generate them, and turns the output of
// `lockstep eval --json` into a Markdown report. The PyTorch reference
// samples the same list with train/sample.py --plan. `make eval-demo` and
// `make eval-torch` run the whole chain:
//
//	lockstep-evalset plan --out DIR --n 32 --seed 1000 [--frames F] [--frame-dirs]
//	lockstep-evalset generate --out DIR --lockstep bin/lockstep [--model M]
//	lockstep eval --json $(cat DIR/clips.txt) > DIR/eval.json
//	lockstep-evalset report DIR
//
// plan writes DIR/plan.json (see [Plan]) and DIR/clips.txt (the clip paths,
// one a line); report writes DIR/eval.md. Clip i of a plan has the caption
// and frame size of the scene generator's clip i under the plan's seed, the
// same grammar as the training data (seed 1), and initial-noise seed
// 1000·seed + i.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/alecthomas/kong"
)

type planCmd struct {
	Out       string `required:"" type:"path" help:"Run directory (created if missing)."`
	N         int    `default:"32" help:"Number of clips (1..1000)."`
	Seed      uint64 `default:"1000" help:"Scene seed of the captions and sizes (the training data uses 1)."`
	Frames    int    `default:"0" help:"Frames per clip, 1+4n (0: the checkpoint's default)."`
	FrameDirs bool   `name:"frame-dirs" help:"Clips are frame directories (clip_000/), as train/sample.py --plan writes, not AVI files."`
}

func (c *planCmd) Run() error {
	p, err := NewPlan(c.Seed, c.N, c.Frames, c.FrameDirs)
	if err != nil {
		return err
	}
	if err := p.Write(c.Out); err != nil {
		return err
	}
	fmt.Printf("plan: %d clips, seed %d, in %s\n", len(p.Clips), p.Seed, c.Out)
	return nil
}

type generateCmd struct {
	Out      string   `required:"" type:"path" help:"Run directory holding plan.json."`
	Lockstep string   `default:"bin/lockstep" type:"path" help:"The lockstep binary."`
	Model    string   `help:"Checkpoint (default: the binary's embedded one)." type:"path"`
	Threads  int      `default:"0" help:"CPU threads of each generate (0: all cores)."`
	Arg      []string `sep:"none" help:"Extra argument for every lockstep generate, repeatable (--arg=--cfg-video=6 --arg=--solver=dpmpp-2m)."`
}

func (c *generateCmd) Run() error {
	p, err := ReadPlan(c.Out)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return generateAll(ctx, c.Lockstep, c.Out, p, genOptions{Model: c.Model, Threads: c.Threads, Extra: c.Arg}, os.Stderr)
}

type reportCmd struct {
	Dir string `arg:"" type:"path" help:"Run directory holding plan.json, the clips' sidecars and eval.json."`
}

func (c *reportCmd) Run() error { return report(c.Dir, os.Stdout) }

type cli struct {
	Plan     planCmd     `cmd:"" help:"Draw the clip list (captions, sizes, seeds) into DIR/plan.json and DIR/clips.txt."`
	Generate generateCmd `cmd:"" help:"Generate the planned clips with lockstep generate."`
	Report   reportCmd   `cmd:"" help:"Write DIR/eval.md from DIR/eval.json (lockstep eval --json) and the sidecars."`
}

func main() {
	var c cli
	ctx := kong.Parse(&c,
		kong.Name("lockstep-evalset"),
		kong.Description("Plan, generate and report the demo model's quality-bar evaluation."),
		kong.UsageOnError(),
	)
	if err := ctx.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "lockstep-evalset:", err)
		os.Exit(1)
	}
}
