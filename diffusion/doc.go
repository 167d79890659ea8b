// Package diffusion is the generation pipeline of the demo audio-video
// model: prompt → text conditions, seeded noise → denoising loop with
// per-modality classifier-free guidance → latents → lockstep decoding into
// frames and audio of the same time windows.
//
//	b := cpu.New(0)
//	p, err := diffusion.Load(b, "lockstep-demo.safetensors")
//	o := p.DefaultOptions()
//	o.Prompt, o.Seed = "two small red balls bounce on a grey floor", 7
//	res, err := p.Generate(ctx, o)
//	w, err := media.Create("clip.avi", params)
//	st, err := p.Decode(ctx, res.Latents, w.WriteWindow)
//
// # Noise
//
// The initial noise is unit normal from the scheduler's documented
// counter-based RNG (scheduler.NewRNG: SplitMix64 words, Box-Muller
// normals): stream 0 (NoiseStream) of Options.Seed fills the video latent
// [1, 16, f, h, w] in row-major element order first and then the audio
// latent [1, 8, T]; each normal is drawn in float64 and rounded to
// float32. Stochastic solvers (dpmpp-2m-sde) draw their noise from stream
// 1 of the same seed, so the solver never changes the starting point. The
// same seed, settings and backend give bit-identical latents for any
// thread count.
//
// # Denoising
//
// The solver works on one joint latent, the video latent followed by the
// audio latent, flattened. For every model evaluation the pipeline cuts it
// into the two latents, runs the AV-DiT with the prompt's context and
// (unless both guidance scales are 1) with the null caption [<bos>] or the
// negative prompt, combines the velocities per modality with
// scheduler.Guide (scale, optional CFG rescale) and hands the joint
// velocity back to the solver. The noise level the DiT sees is the
// solver's flow sigma (Cond.Sigma). Solvers: "euler" (the default: SPEC.md's
// schedule s_i = shift·t_i/(1+(shift-1)·t_i), t_i = 1 - i/N) and every
// flow-capable solver of package scheduler through scheduler/tensorops
// (SolverNames).
//
// Before each evaluation the context is checked (cancellation stops the
// run within one evaluation) and the latents are checked for NaN/Inf;
// the guided velocity is checked after it. Options.Callback sees every
// evaluation (StepInfo: index, sigma, time, the latents and the
// denoised estimate) and may stop the run by returning an error. Panics
// inside the model or the backend are recovered into errors at the
// Generate and Decode boundaries.
//
// # Outputs
//
// SaveLatents and LoadLatents keep a run's final latents with its Settings
// (every option, the sizes and the checkpoint's SHA-256), so decoding can
// be redone without sampling. PreviewMap fits a linear latent→RGB map for
// progress displays (Preview). Timings holds the time of every phase.
package diffusion
