// Package scheduler holds diffusion noise schedules and the ODE/SDE solvers
// that walk them, one implementation each, shared by every model.
//
// # Schedules
//
// All schedule math is plain []float64 and needs no backend: discrete VP beta
// schedules and their cumulative alpha products (betas.go), timestep spacing
// (spacing.go), sigma schedules (sigmas.go: the model's own, simple, Karras,
// exponential, SGM-uniform, beta, custom lists), flow-matching sigmas with a
// static or resolution-dependent shift (flow.go), and the three noising
// families and prediction parameterisations (param.go).
//
// # Diffusers compatibility and float32
//
// The schedules reproduce Hugging Face diffusers bit for bit where diffusers
// is deterministic. diffusers builds its training betas and alphas_cumprod in
// float32 torch and stores every inference sigma and most timesteps as
// float32; this package performs the same roundings, so each value returned is
// a float32 number held in a float64 (documented on each function). Two
// sources of float32 rounding are not emulated and are instead checked to the
// last ulp: torch.linspace(dtype=float32), whose AVX2 kernel builds vector
// lanes with fused multiply-adds (our betas are within 1 ulp of torch's; pass
// VPConfig.TrainedBetas to use torch's exact values), and numpy's SIMD float32
// log used by diffusers' sigma-to-timestep interpolation. The solver
// arithmetic itself runs in float64 (diffusers runs some steps in float32);
// final samples agree to ~1e-6 relative, see scheduler_parity_test.go.
//
// # Solvers
//
// Solvers are generic over the latent type through the Ops interface: a few
// axpy-like operations over an opaque value, so the same solver runs on
// []float64 now (F64Ops) and on backend tensors later. A solver drives a Model
// (a denoiser returning its native prediction for an input x_in = a*x0 + b*eps
// described by a Cond) through a full sampling loop (Sampler). Each solver
// lives in its own file and reproduces the diffusers scheduler named in its
// doc comment:
//
//	Euler, Heun, LMS, EulerAncestral      sigma (VE) space, KSchedule
//	DPMSolverPP (2M, 3M, SDE), DPMSolverSingle (orders 1-3),
//	UniPC (bh1/bh2, orders 1-3, corrector), DEIS   VP or flow space, mSchedule
//	DDIM (eta), DDPM, LCM, TCD            discrete alphas_cumprod
//	FlowEuler, FlowHeun                   rectified flow, FlowSchedule
//	IPNDM                                 v-diffusion angles
//	DPMSolverPP2SAncestral                k-diffusion semantics (no diffusers twin)
//
// train/diffusers_parity.py runs diffusers' own scheduler code on the gmm toy
// model and writes testdata/diffusers_*.json; parity_test.go checks
// timesteps and sigmas exactly (a few float32 ulps where diffusers goes
// through numpy's float32 log or torch's float32 sin/atan2) and final samples
// to 1e-6 relative (3e-6 for DEIS, whose float32 coefficients diffusers
// computes with cancellation). Stochastic solvers match sample for sample
// because the script feeds diffusers the same RNG stream.
//
// Package scheduler/tensorops implements Ops on backend tensors (see its
// documentation for who owns the solver's latents across the model's
// context resets).
//
// # Guidance
//
// guidance.go combines conditional, unconditional and layer-skip
// predictions per modality of a Modal latent (video and audio may use
// different scales): classifier-free guidance, diffusers' CFG rescale
// (guidance_rescale, std per batch item over the other axes) and
// layer-skip guidance, whose LayerSkip hook a model calls per block.
//
// # Random numbers
//
// Stochastic solvers take their noise from RNG (rng.go), a counter-based
// generator: the k-th 64-bit word of stream s under seed z is
// splitmix64(key + k*0x9E3779B97F4A7C15) with key = splitmix64(z +
// (s+1)*0x9E3779B97F4A7C15) and k = 1, 2, .... Uniforms are (w>>11 + 1)*2^-53
// in (0, 1]; normals come in pairs from Box-Muller, r*cos(2πu2) then
// r*sin(2πu2) with r = sqrt(-2 ln u1). By convention stream 0 is the initial
// noise and stream 1 the solver noise, so changing the solver never changes
// the starting point. Noise fills a latent in element order.
package scheduler
