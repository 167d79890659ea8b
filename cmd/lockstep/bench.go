package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/lockstep-av/lockstep/bench/schedbench"
)

// benchCmd groups the benchmark subcommands: `lockstep bench schedulers`,
// `kernels`, `step` and `decode` (bench_kernels.go).
type benchCmd struct {
	Schedulers benchSchedulersCmd `cmd:"" help:"Sampling error vs NFE and per-step latency of the schedulers against a high-accuracy ODE reference."`
	Kernels    benchKernelsCmd    `cmd:"" help:"GEMM (f32, bf16 weights), fused attention and VAE conv3d speed (median ms, GFLOP/s)."`
	Step       benchStepCmd       `cmd:"" help:"One denoising step of the demo model, broken down by attention / MLP / other."`
	Decode     benchDecodeCmd     `cmd:"" help:"Video and audio VAE decode speed (seconds of output per second)."`
}

// benchSchedulersCmd is `lockstep bench schedulers`. --model gmm runs the
// diffusers-parity solvers on the analytic toy model (schedbench.Run); the
// flow models (demo, a checkpoint FILE, gmm-flow) run the flow solvers of
// the demo pipeline against a Heun reference (schedbench.RunModel,
// bench_flow.go).
type benchSchedulersCmd struct {
	Model     string   `default:"gmm" help:"Model: gmm (the analytic toy model), demo (the embedded demo checkpoint), a checkpoint FILE, or gmm-flow (the toy model as a flow model, through the demo model's harness)."`
	Solvers   []string `help:"Solvers to run (gmm default: all of euler, heun, lms, dpmpp2m, dpmpp3m, dpm2s, unipc2, unipc3, deis2). Flow models (demo, FILE, gmm-flow) default to all of euler, flow-euler, heun, dpmpp2m, dpmpp3m, dpm2s, unipc2, unipc3; ref-heun (the reference's method) on request." placeholder:"NAME"`
	Schedules []string `help:"Sigma schedules (gmm default: all of normal, karras, exponential, beta). Flow models: normal (the checkpoint's shift; default) or shiftX, such as shift1, shift6." placeholder:"NAME"`
	NFE       []int    `name:"nfe" default:"4,6,8,10,15,20,30,50" help:"Budgets of model evaluations."`
	Seeds     int      `help:"Initial noises per configuration, seeds 0..N-1 (default: 64 for gmm and gmm-flow, 4 for the demo model: one per caption)."`
	JSON      string   `name:"json" help:"Write one JSON record per run (JSON Lines) to FILE." placeholder:"FILE"`
	MD        string   `name:"md" help:"Write the Markdown table(s) to FILE (they are always printed)." placeholder:"FILE"`
	Plot      string   `help:"Write a PNG plot of log error vs log NFE to FILE." placeholder:"FILE.png"`

	// Flow models only.
	Captions []string `name:"caption" sep:"none" help:"Demo model: a prompt, repeatable; seed i uses caption i mod count (default: four captions of the demo family)." placeholder:"TEXT"`
	Size     string   `help:"Demo model: frame size WxH, multiples of 16." default:"64x64"`
	Frames   int      `help:"Demo model: clip length in frames, 1+4n (default: the checkpoint's, 25)."`
	CFG      *float64 `name:"cfg" help:"Demo model: guidance scale of both modalities (default: the checkpoint's)."`
	CFGVideo *float64 `name:"cfg-video" help:"Demo model: guidance scale of the video (overrides --cfg)."`
	CFGAudio *float64 `name:"cfg-audio" help:"Demo model: guidance scale of the audio (overrides --cfg)."`
	Shift    *float64 `help:"Flow models: shift of the normal schedule and of the reference (default: the checkpoint's; 3 for gmm-flow)."`
	RefSteps int      `name:"ref-steps" default:"200" help:"Flow models: Heun steps of the reference solution (2 evaluations each, the last at sigma 0)."`
	CheckRef bool     `name:"check-ref" help:"Flow models: also solve every seed with half the reference steps and print the difference (the reference's own error is about a third of it)."`
	Decode   bool     `default:"true" negatable:"" help:"Demo model: also decode every final sample and the references and compare video frames (PSNR) and audio."`
	Threads  int      `default:"0" help:"Demo model: CPU threads (0: all cores)."`

	stderr io.Writer
}

// Run runs the benchmark and writes the outputs.
func (c *benchSchedulersCmd) Run() error {
	c.stderr = os.Stderr
	return c.run(os.Stdout)
}

func (c *benchSchedulersCmd) run(stdout io.Writer) error {
	if c.stderr == nil {
		c.stderr = io.Discard
	}
	if c.Model != "gmm" {
		return c.runFlow(stdout)
	}
	if c.Seeds == 0 {
		c.Seeds = 64
	}
	if c.Seeds < 1 {
		return errors.New("bench schedulers: --seeds must be at least 1")
	}
	cfg := schedbench.Config{Solvers: c.Solvers, Schedules: c.Schedules, NFE: c.NFE, Seeds: c.Seeds}
	start := time.Now()
	recs, check, err := schedbench.Run(cfg)
	if err != nil {
		return fmt.Errorf("bench schedulers: %w", err)
	}
	sums := schedbench.Summarize(recs)
	fmt.Fprintf(stdout, "gmm: %d runs in %.1fs; reference: adaptive RK45 (rtol 1e-10), %d solutions, max diff to a 100x tighter reference %.2g\n\n",
		len(recs), time.Since(start).Seconds(), check.Solution, check.MaxDiff)
	if err := schedbench.Markdown(stdout, sums); err != nil {
		return err
	}
	if err := writeFile(c.JSON, func(w io.Writer) error { return schedbench.WriteJSON(w, recs) }); err != nil {
		return err
	}
	if err := writeFile(c.MD, func(w io.Writer) error {
		fmt.Fprintf(w, "Median over %d seeds of the RMS error of the final sample against the float64 RK45 reference "+
			"solution of the same probability-flow ODE (model gmm, diffusers' default linear betas, sigma 157.4 -> 0; "+
			"columns: NFE = model evaluations; last column: median wall time per model evaluation plus solver update). "+
			"Made by `lockstep bench schedulers --model gmm --seeds %d`.\n\n", c.Seeds, c.Seeds)
		return schedbench.Markdown(w, sums)
	}); err != nil {
		return err
	}
	return writeFile(c.Plot, func(w io.Writer) error { return schedbench.WritePNG(w, sums, "gmm") })
}

// writeFile creates path (nothing if path is "") and writes it with f,
// removing it again if f fails.
func writeFile(path string, f func(io.Writer) error) error {
	if path == "" {
		return nil
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := f(out); err != nil {
		out.Close()
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
