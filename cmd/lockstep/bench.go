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

// benchSchedulersCmd is `lockstep bench schedulers`.
type benchSchedulersCmd struct {
	Model     string   `default:"gmm" help:"Model: gmm (the analytic toy model), demo, or a checkpoint FILE."`
	Solvers   []string `help:"Solvers to run (default: all of euler, heun, lms, dpmpp2m, dpmpp3m, dpm2s, unipc2, unipc3, deis2)." placeholder:"NAME"`
	Schedules []string `help:"Sigma schedules (default: all of normal, karras, exponential, beta)." placeholder:"NAME"`
	NFE       []int    `name:"nfe" default:"4,6,8,10,15,20,30,50" help:"Budgets of model evaluations."`
	Seeds     int      `default:"64" help:"Initial noises per configuration (seeds 0..N-1)."`
	JSON      string   `name:"json" help:"Write one JSON record per run (JSON Lines) to FILE." placeholder:"FILE"`
	MD        string   `name:"md" help:"Write the Markdown table to FILE (it is always printed)." placeholder:"FILE"`
	Plot      string   `help:"Write a PNG plot of log error vs log NFE to FILE." placeholder:"FILE.png"`
}

// Run runs the benchmark and writes the outputs.
func (c *benchSchedulersCmd) Run() error { return c.run(os.Stdout) }

func (c *benchSchedulersCmd) run(stdout io.Writer) error {
	if c.Model != "gmm" {
		return fmt.Errorf("bench schedulers --model %s: not available yet: needs the demo model (issue 3/4); use --model gmm", c.Model)
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
	write := func(path string, f func(io.Writer) error) error {
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
	if err := write(c.JSON, func(w io.Writer) error { return schedbench.WriteJSON(w, recs) }); err != nil {
		return err
	}
	if err := write(c.MD, func(w io.Writer) error {
		fmt.Fprintf(w, "Median over %d seeds of the RMS error of the final sample against the float64 RK45 reference "+
			"solution of the same probability-flow ODE (model gmm, diffusers' default linear betas, sigma 157.4 -> 0; "+
			"columns: NFE = model evaluations; last column: median wall time per model evaluation plus solver update). "+
			"Made by `lockstep bench schedulers --model gmm --seeds %d`.\n\n", c.Seeds, c.Seeds)
		return schedbench.Markdown(w, sums)
	}); err != nil {
		return err
	}
	return write(c.Plot, func(w io.Writer) error { return schedbench.WritePNG(w, sums, "gmm") })
}
