package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/lockstep-av/lockstep/bench/schedbench"
)

// secondsPerGuidedEval is the rough cost of one guided model evaluation
// (two DiT passes) of the demo model on a 25-frame 64x64 clip with two
// CPU cores, for the estimate printed before a run; the first reference
// then prints the measured figure.
const secondsPerGuidedEval = 0.1

// flowMetrics are the tables printed for a flow model: the metric
// (schedbench.MarkdownMetric) and its caption.
var flowMetrics = []struct{ key, title string }{
	{"", "latent RMS error (video and audio latents together)"},
	{schedbench.MetricPart + "video", "video latent RMS error"},
	{schedbench.MetricPart + "audio", "audio latent RMS error"},
	{schedbench.MetricVideoPSNR, "decoded video PSNR in dB against the reference's frames (8-bit frames as written, peak-to-peak 2 in [-1, 1]; higher is better)"},
	{schedbench.MetricDecoded + "audio_rms", "decoded audio RMS error (samples in [-1, 1])"},
}

// runFlow runs the flow-model benchmark: the demo model, a checkpoint file
// or gmm-flow.
func (c *benchSchedulersCmd) runFlow(stdout io.Writer) error {
	var (
		m       schedbench.Model
		demo    *schedbench.Demo
		setting string
	)
	if c.Model == "gmm-flow" {
		g := schedbench.GMMFlow{}
		if c.Shift != nil {
			g.FlowShift = *c.Shift
		}
		m, setting = g, fmt.Sprintf("gmm as a flow model (x = (1-s)·x0 + s·eps, exact velocity), shift %g", g.Shift())
		if c.Seeds == 0 {
			c.Seeds = 64
		}
		c.Decode = false
	} else {
		var err error
		if demo, err = c.loadDemo(); err != nil {
			return err
		}
		m = demo
		o := demo.Options()
		setting = fmt.Sprintf("%s, %d frames %dx%d, CFG video %g audio %g, shift %g", demo.Name(), o.Frames, o.Width, o.Height, o.CFGVideo, o.CFGAudio, o.Shift)
		if c.Seeds == 0 {
			c.Seeds = 4
		}
	}
	if c.Seeds < 1 {
		return errors.New("bench schedulers: --seeds must be at least 1")
	}
	cfg := schedbench.ModelConfig{
		Solvers: c.Solvers, Schedules: c.Schedules, NFE: c.NFE, Seeds: c.Seeds,
		RefSteps: c.RefSteps, CheckRef: c.CheckRef, Decode: c.Decode,
		Progress: func(line string) { fmt.Fprintln(c.stderr, line) },
	}
	runs, refs, err := cfg.Evaluations(m)
	if err != nil {
		return fmt.Errorf("bench schedulers: %w", err)
	}
	if demo != nil {
		passes := 1
		if demo.Guided() {
			passes = 2
		}
		est := float64(runs+refs) * secondsPerGuidedEval * float64(passes) / 2
		fmt.Fprintf(c.stderr, "%s\nseeds %d: %d model evaluations in the runs + %d in the references = %d (%d DiT passes); "+
			"at ~%.2gs per guided evaluation (25-frame 64x64 clip, 2 cores) about %v",
			setting, c.Seeds, runs, refs, runs+refs, (runs+refs)*passes, secondsPerGuidedEval, time.Duration(est*float64(time.Second)).Round(time.Second))
		if c.Decode {
			solvers, scheds := len(c.Solvers), len(c.Schedules)
			if solvers == 0 {
				solvers = len(schedbench.DefaultFlowSolvers())
			}
			scheds = max(scheds, 1)
			fmt.Fprintf(c.stderr, ", plus %d decodes", (solvers*scheds*len(c.NFE)+1)*c.Seeds)
		}
		fmt.Fprintln(c.stderr)
	}
	start := time.Now()
	recs, check, err := schedbench.RunModel(m, cfg)
	if err != nil {
		return fmt.Errorf("bench schedulers: %w", err)
	}
	sums := schedbench.Summarize(recs)
	head := fmt.Sprintf("%s: %d runs in %.1fs; reference: %d Heun steps down to sigma 0 from the same noise, one per seed",
		setting, len(recs), time.Since(start).Seconds(), c.RefSteps)
	if check.Seeds > 0 {
		head += fmt.Sprintf("; largest RMS difference to a %d-step reference %.2g", c.RefSteps/2, check.MaxRMSDiff)
	}
	fmt.Fprintf(stdout, "%s\n", head)
	tables := func(w io.Writer) error {
		for _, t := range flowMetrics {
			if t.key != "" && !hasMetric(sums, t.key) {
				continue
			}
			fmt.Fprintf(w, "\nMedian over %d seeds: %s\n\n", c.Seeds, t.title)
			if err := schedbench.MarkdownMetric(w, sums, t.key); err != nil {
				return err
			}
		}
		return nil
	}
	if err := tables(stdout); err != nil {
		return err
	}
	if err := writeFile(c.JSON, func(w io.Writer) error { return schedbench.WriteJSON(w, recs) }); err != nil {
		return err
	}
	if err := writeFile(c.MD, func(w io.Writer) error {
		fmt.Fprintf(w, "Model %s. Each run starts from its seed's initial noise and is compared with the reference solution "+
			"of the same probability-flow ODE from that noise (%d Heun steps on the checkpoint's shifted schedule, "+
			"the last one to sigma 0). Columns: NFE = model evaluations (a guided evaluation is two network passes); "+
			"last column: median wall time per model evaluation plus solver update. Made by `lockstep %s`.\n",
			setting, c.RefSteps, c.commandLine())
		return tables(w)
	}); err != nil {
		return err
	}
	return writeFile(c.Plot, func(w io.Writer) error { return schedbench.WritePNG(w, sums, m.Name()) })
}

// loadDemo loads the checkpoint (--model demo: the embedded one) and
// binds the benchmark's demo model with the flags' settings.
func (c *benchSchedulersCmd) loadDemo() (*schedbench.Demo, error) {
	path, name := c.Model, filepath.Base(c.Model)
	if c.Model == "demo" {
		path, name = "", "demo"
	}
	p, err := loadPipeline(path, c.Threads)
	if err != nil {
		return nil, fmt.Errorf("bench schedulers --model %s: %w", c.Model, err)
	}
	o := p.DefaultOptions()
	if o.Width, o.Height, err = parseSize(c.Size); err != nil {
		return nil, err
	}
	if c.Frames != 0 {
		o.Frames = c.Frames
	}
	if c.CFG != nil {
		o.CFGVideo, o.CFGAudio = *c.CFG, *c.CFG
	}
	if c.CFGVideo != nil {
		o.CFGVideo = *c.CFGVideo
	}
	if c.CFGAudio != nil {
		o.CFGAudio = *c.CFGAudio
	}
	if c.Shift != nil {
		o.Shift = *c.Shift
	}
	d, err := schedbench.NewDemo(p, o, c.Captions, name)
	if err != nil {
		return nil, fmt.Errorf("bench schedulers: %w", err)
	}
	return d, nil
}

// hasMetric reports whether any summary has metric key.
func hasMetric(sums []schedbench.Summary, key string) bool {
	for _, s := range sums {
		if _, ok := s.Metrics[key]; ok {
			return true
		}
	}
	return false
}

// commandLine rebuilds the benchmark's command line for the Markdown note.
func (c *benchSchedulersCmd) commandLine() string {
	args := []string{"bench schedulers", "--model " + c.Model, fmt.Sprintf("--seeds %d", c.Seeds)}
	if len(c.Solvers) > 0 {
		args = append(args, "--solvers "+strings.Join(c.Solvers, ","))
	}
	if len(c.Schedules) > 0 {
		args = append(args, "--schedules "+strings.Join(c.Schedules, ","))
	}
	nfe := make([]string, len(c.NFE))
	for i, n := range c.NFE {
		nfe[i] = fmt.Sprint(n)
	}
	args = append(args, "--nfe "+strings.Join(nfe, ","))
	if c.Model != "gmm-flow" {
		args = append(args, "--size "+c.Size)
		if c.Frames != 0 {
			args = append(args, fmt.Sprintf("--frames %d", c.Frames))
		}
		for _, t := range c.Captions {
			args = append(args, fmt.Sprintf("--caption %q", t))
		}
		for _, f := range []struct {
			name string
			v    *float64
		}{{"cfg", c.CFG}, {"cfg-video", c.CFGVideo}, {"cfg-audio", c.CFGAudio}} {
			if f.v != nil {
				args = append(args, fmt.Sprintf("--%s %g", f.name, *f.v))
			}
		}
		if !c.Decode {
			args = append(args, "--no-decode")
		}
	}
	if c.Shift != nil {
		args = append(args, fmt.Sprintf("--shift %g", *c.Shift))
	}
	if c.RefSteps != schedbench.DefaultRefSteps {
		args = append(args, fmt.Sprintf("--ref-steps %d", c.RefSteps))
	}
	return strings.Join(args, " ")
}
