package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/bench/kernels"
	"github.com/lockstep-av/lockstep/model/demo/checkpoint"
	"github.com/lockstep-av/lockstep/weights"
)

// benchOutput holds the flags the kernels, step and decode benchmarks share.
type benchOutput struct {
	JSON    bool  `name:"json" help:"Print one JSON record per line instead of the table."`
	Threads []int `help:"Thread counts to run (default: all CPUs), e.g. --threads 1,2 for scaling." placeholder:"N"`
	Runs    int   `default:"3" help:"Timed runs at least per case (the median is reported; a warm-up run comes first)."`
}

func (o *benchOutput) threads() ([]int, error) {
	if len(o.Threads) == 0 {
		return []int{runtime.NumCPU()}, nil
	}
	for _, t := range o.Threads {
		if t < 1 {
			return nil, fmt.Errorf("--threads %d: must be at least 1", t)
		}
	}
	return o.Threads, nil
}

func (o *benchOutput) timing() kernels.Timing { return kernels.Timing{MinRuns: o.Runs} }

func (o *benchOutput) write(w io.Writer, recs []kernels.Record) error {
	if o.JSON {
		return kernels.WriteJSON(w, recs)
	}
	return kernels.WriteTable(w, recs)
}

// benchKernelsCmd is `lockstep bench kernels`.
type benchKernelsCmd struct {
	benchOutput
	Only []string `help:"Groups to run: gemm, attention, conv (default: all)." placeholder:"GROUP"`
	Seq  []int    `help:"Attention sequence lengths (default: 1024, 4096, 16384)." placeholder:"N"`
}

// Run times the kernels.
func (c *benchKernelsCmd) Run() error { return c.run(os.Stdout) }

func (c *benchKernelsCmd) run(stdout io.Writer) error {
	threads, err := c.threads()
	if err != nil {
		return fmt.Errorf("bench kernels: %w", err)
	}
	groups := map[string]bool{}
	for _, g := range c.Only {
		if !slices.Contains([]string{"gemm", "attention", "conv"}, g) {
			return fmt.Errorf("bench kernels: --only %q: want gemm, attention or conv", g)
		}
		groups[g] = true
	}
	want := func(g string) bool { return len(groups) == 0 || groups[g] }
	att := kernels.AttentionShapes
	if len(c.Seq) > 0 {
		att = slices.DeleteFunc(slices.Clone(att), func(s kernels.AttentionShape) bool { return !slices.Contains(c.Seq, s.Seq) })
	}
	if !c.JSON {
		fmt.Fprintf(stdout, "GEMM kernel: %s\n", cpu.GEMMKernel())
	}
	var recs []kernels.Record
	for _, th := range threads {
		if want("gemm") {
			r, err := kernels.GEMM(kernels.GEMMShapes, []string{kernels.GEMMF32, kernels.GEMMBF16W, kernels.GEMMBF16}, th, c.timing())
			if err != nil {
				return fmt.Errorf("bench kernels: %w", err)
			}
			recs = append(recs, r...)
		}
		if want("attention") {
			r, err := kernels.Attention(att, th, c.timing())
			if err != nil {
				return fmt.Errorf("bench kernels: %w", err)
			}
			recs = append(recs, r...)
		}
		if want("conv") {
			r, err := kernels.Conv3d(kernels.ConvShapes, th, c.timing())
			if err != nil {
				return fmt.Errorf("bench kernels: %w", err)
			}
			recs = append(recs, r...)
		}
	}
	return c.write(stdout, recs)
}

// benchCheckpoint is the flag of the benchmarks that need demo weights.
type benchCheckpoint struct {
	Checkpoint string `help:"Demo checkpoint (safetensors) to time (default: the shipped checkpoint embedded in this binary; bench/torch_compare.py --random writes a random default-config one)." placeholder:"FILE"`
}

// open returns the --checkpoint file, or the embedded shipped checkpoint
// when the flag is empty.
func (c *benchCheckpoint) open() (*weights.File, error) {
	if c.Checkpoint == "" {
		f, err := weights.Parse(checkpoint.Bytes())
		if err != nil {
			return nil, fmt.Errorf("embedded checkpoint %s: %w", checkpoint.Name, err)
		}
		return f, nil
	}
	f, err := weights.Open(c.Checkpoint)
	if err != nil {
		return nil, fmt.Errorf("open checkpoint %s: %w", c.Checkpoint, err)
	}
	return f, nil
}

// benchStepCmd is `lockstep bench step`.
type benchStepCmd struct {
	benchOutput
	benchCheckpoint
	Clips []string `help:"Clips FRAMESxHEIGHTxWIDTH (default: 25x64x64 and 25x128x128, 53 audio tokens)." placeholder:"FxHxW"`
}

// Run times one denoising step.
func (c *benchStepCmd) Run() error { return c.run(os.Stdout) }

func (c *benchStepCmd) run(stdout io.Writer) error {
	threads, err := c.threads()
	if err != nil {
		return fmt.Errorf("bench step: %w", err)
	}
	clips := kernels.StepClips
	if len(c.Clips) > 0 {
		clips = nil
		for _, s := range c.Clips {
			var cl kernels.Clip
			if _, err := fmt.Sscanf(strings.ToLower(s), "%dx%dx%d", &cl.Frames, &cl.Height, &cl.Width); err != nil ||
				cl.Frames < 1 || (cl.Frames-1)%4 != 0 || cl.Height <= 0 || cl.Width <= 0 || cl.Height%16 != 0 || cl.Width%16 != 0 {
				return fmt.Errorf("bench step: --clips %q: want FRAMESxHEIGHTxWIDTH with frames 1+4n and sides multiples of 16", s)
			}
			cl.AudioTokens = kernels.StepClips[0].AudioTokens
			clips = append(clips, cl)
		}
	}
	f, err := c.open()
	if err != nil {
		return fmt.Errorf("bench step: %w", err)
	}
	defer f.Close()
	var recs []kernels.Record
	for _, th := range threads {
		r, err := kernels.Step(f, clips, th, c.timing())
		if err != nil {
			return err
		}
		recs = append(recs, r...)
	}
	return c.write(stdout, recs)
}

// benchDecodeCmd is `lockstep bench decode`.
type benchDecodeCmd struct {
	benchOutput
	benchCheckpoint
}

// Run times the VAE decoders.
func (c *benchDecodeCmd) Run() error { return c.run(os.Stdout) }

func (c *benchDecodeCmd) run(stdout io.Writer) error {
	threads, err := c.threads()
	if err != nil {
		return fmt.Errorf("bench decode: %w", err)
	}
	f, err := c.open()
	if err != nil {
		return fmt.Errorf("bench decode: %w", err)
	}
	defer f.Close()
	var recs []kernels.Record
	for _, th := range threads {
		r, err := kernels.Decode(f, th, c.timing())
		if err != nil {
			return err
		}
		recs = append(recs, r...)
	}
	return c.write(stdout, recs)
}
