package tensorops_test

import (
	"math"
	"testing"

	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/scheduler"
	"github.com/lockstep-av/lockstep/scheduler/gmm"
	"github.com/lockstep-av/lockstep/scheduler/tensorops"
)

// tensorModel is the gmm denoiser on latents: the prediction is computed
// in float64 on the host from the float32 input and stored with Set.
func tensorModel(ops *tensorops.Ops, be *cpu.Backend, pred scheduler.Prediction) scheduler.Model[*tensorops.Latent] {
	ctx := be.NewContext() // the model's own context, Reset after each call
	return func(out, xIn *tensorops.Latent, c scheduler.Cond) error {
		x := ops.Float64(xIn)
		p := make([]float64, len(x))
		gmm.Predict(p, x, c.Alpha, c.Sigma, pred)
		f := make([]float32, len(p))
		for i, v := range p {
			f[i] = float32(v)
		}
		ops.Set(out, ctx.Constant(f, xIn.Tensor().Shape()...))
		ctx.Reset()
		return nil
	}
}

// TestSolversOnCPUBackend runs full sampling loops through the CPU backend
// and compares the final samples with the []float64 runs.
func TestSolversOnCPUBackend(t *testing.T) {
	const batch, steps = 8, 20
	vp := scheduler.VPConfig{}
	mc := scheduler.MConfig{VP: vp, Sigmas: scheduler.SigmasKarras}
	kc := scheduler.KConfig{VP: vp, Sigmas: scheduler.SigmasKarras}
	type build[T any] func(ops scheduler.Ops[T]) (scheduler.Sampler[T], error)
	cases := []struct {
		name string
		f64  build[[]float64]
		t32  build[*tensorops.Latent]
	}{
		{"euler",
			func(o scheduler.Ops[[]float64]) (scheduler.Sampler[[]float64], error) {
				return scheduler.NewEuler(o, kc, steps)
			},
			func(o scheduler.Ops[*tensorops.Latent]) (scheduler.Sampler[*tensorops.Latent], error) {
				return scheduler.NewEuler(o, kc, steps)
			}},
		{"heun",
			func(o scheduler.Ops[[]float64]) (scheduler.Sampler[[]float64], error) {
				return scheduler.NewHeun(o, kc, steps/2)
			},
			func(o scheduler.Ops[*tensorops.Latent]) (scheduler.Sampler[*tensorops.Latent], error) {
				return scheduler.NewHeun(o, kc, steps/2)
			}},
		{"dpmpp3m",
			func(o scheduler.Ops[[]float64]) (scheduler.Sampler[[]float64], error) {
				return scheduler.NewDPMSolverPP(o, scheduler.DPMConfig{MConfig: mc, Order: 3}, steps)
			},
			func(o scheduler.Ops[*tensorops.Latent]) (scheduler.Sampler[*tensorops.Latent], error) {
				return scheduler.NewDPMSolverPP(o, scheduler.DPMConfig{MConfig: mc, Order: 3}, steps)
			}},
		{"dpmpp2m-sde",
			func(o scheduler.Ops[[]float64]) (scheduler.Sampler[[]float64], error) {
				return scheduler.NewDPMSolverPP(o, scheduler.DPMConfig{MConfig: mc, SDE: true, Seed: 5}, steps)
			},
			func(o scheduler.Ops[*tensorops.Latent]) (scheduler.Sampler[*tensorops.Latent], error) {
				return scheduler.NewDPMSolverPP(o, scheduler.DPMConfig{MConfig: mc, SDE: true, Seed: 5}, steps)
			}},
		{"unipc3",
			func(o scheduler.Ops[[]float64]) (scheduler.Sampler[[]float64], error) {
				return scheduler.NewUniPC(o, scheduler.UniPCConfig{MConfig: mc, Order: 3}, steps)
			},
			func(o scheduler.Ops[*tensorops.Latent]) (scheduler.Sampler[*tensorops.Latent], error) {
				return scheduler.NewUniPC(o, scheduler.UniPCConfig{MConfig: mc, Order: 3}, steps)
			}},
		{"lms",
			func(o scheduler.Ops[[]float64]) (scheduler.Sampler[[]float64], error) {
				return scheduler.NewLMS(o, kc, steps, 4)
			},
			func(o scheduler.Ops[*tensorops.Latent]) (scheduler.Sampler[*tensorops.Latent], error) {
				return scheduler.NewLMS(o, kc, steps, 4)
			}},
	}
	be := cpu.New(2)
	z := scheduler.NewRNG(11, 0).Normals(make([]float64, batch*gmm.D))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// float64 run (start from float32-rounded noise, as the tensor run).
			x := make([]float64, len(z))
			for i, v := range z {
				x[i] = float64(float32(v))
			}
			s64, err := tc.f64(scheduler.F64Ops{})
			if err != nil {
				t.Fatal(err)
			}
			if err := s64.Sample(gmm.Model(scheduler.Epsilon), x); err != nil {
				t.Fatal(err)
			}
			ops := tensorops.New(be)
			ops.SetCompactionSlack(8) // compact often
			s32, err := tc.t32(ops)
			if err != nil {
				t.Fatal(err)
			}
			lat := ops.FromFloat64(z, batch, gmm.D)
			if err := s32.Sample(tensorModel(ops, be, scheduler.Epsilon), lat); err != nil {
				t.Fatal(err)
			}
			got := ops.Float64(lat)
			maxAbs, maxRel, at := 0.0, 0.0, -1
			for i := range got {
				d := math.Abs(got[i] - x[i])
				if d > maxAbs {
					maxAbs, at = d, i
				}
				maxRel = math.Max(maxRel, d/math.Max(math.Abs(x[i]), 1e-3))
			}
			t.Logf("max abs %.3g (at %d) max rel %.3g; %d compactions", maxAbs, at, maxRel, ops.Compactions)
			// float32 arithmetic over ~20 steps of samples of size ~1.
			if maxAbs > 5e-6 {
				t.Errorf("tensor run differs from float64: max abs %.3g at %d (got %g want %g), max rel %.3g",
					maxAbs, at, got[at], x[at], maxRel)
			}
			if ops.Compactions == 0 {
				t.Error("no compaction happened")
			}
		})
	}
}

// TestGuideBatchRescale checks CFG rescale on a batch of 3 latents through
// the CPU backend against the per-item float64 formula.
func TestGuideBatchRescale(t *testing.T) {
	be := cpu.New(1)
	ops := tensorops.New(be)
	rng := scheduler.NewRNG(9, 0)
	const b, n = 3, 2 * 8
	c64, u64 := rng.Normals(make([]float64, b*n)), rng.Normals(make([]float64, b*n))
	for i := range c64 { // round to the float32 inputs the backend sees
		c64[i], u64[i] = float64(float32(c64[i])), float64(float32(u64[i]))
	}
	cond := scheduler.Modal[*tensorops.Latent]{"video": ops.FromFloat64(c64, b, 2, 8)}
	uncond := scheduler.Modal[*tensorops.Latent]{"video": ops.FromFloat64(u64, b, 2, 8)}
	dst := scheduler.Modal[*tensorops.Latent]{"video": ops.New(cond["video"])}
	const s, phi = 6.0, 0.7
	if err := scheduler.Guide[*tensorops.Latent](ops, dst, scheduler.Guidance{"video": {Scale: s, Rescale: phi}}, cond, uncond, nil); err != nil {
		t.Fatal(err)
	}
	got := ops.Float64(dst["video"])
	std := func(x []float64) float64 { return scheduler.F64Ops{}.BatchStd(x)[0] }
	for k := 0; k < b; k++ {
		c, u := c64[k*n:(k+1)*n], u64[k*n:(k+1)*n]
		g := make([]float64, n)
		for i := range g {
			g[i] = u[i] + s*(c[i]-u[i])
		}
		f := phi*std(c)/std(g) + 1 - phi
		for i := range g {
			want := g[i] * f
			if d := math.Abs(got[k*n+i] - want); d > 1e-5*math.Max(1, math.Abs(want)) {
				t.Errorf("item %d elem %d: got %g want %g (abs %.3g)", k, i, got[k*n+i], want, d)
			}
		}
	}
}
