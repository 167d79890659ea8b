// Package schedbench is the scheduler benchmark engine behind `lockstep
// bench schedulers`: for every solver x sigma schedule x budget of model
// evaluations (NFE) it samples the gmm toy model (scheduler/gmm) from the
// same initial noise per seed and measures the error of the final sample
// against a high-accuracy float64 solution of the same probability-flow
// ODE (Reference: adaptive Dormand-Prince RK45 in log sigma), and the
// median per-step latency.
//
// # What is compared
//
// All solvers share diffusers' default training schedule (linear betas,
// VE sigmas 0.01..157.4) and end at sigma = 0. Each run starts from the VE
// state z*sigma_max (z: RNG stream 0 of the seed; VP solvers get the
// equivalent alpha*z*sigma_max) and its final sample is compared with the
// reference solution from that same state. NFE counts model evaluations:
// Euler, LMS and the DPM-Solver/UniPC/DEIS family make one per step (the
// single-step DPM-Solver 2 at NFE 10 makes 5 blocks of 2 evaluations, 10 in
// all), Heun two per interval except the last (NFE 10 -> 5 intervals, 9
// evaluations); Record.Evals holds the count made.
//
// # The final step and sigma_min
//
// A sampler ending at sigma = 0 takes a last step from the smallest sigma
// of its grid, sigma_min, straight to 0. Euler, Heun and both DPM-Solver++
// variants make that step first order (x <- D(x, sigma_min)) whatever
// their nominal order, as diffusers does; LMS and UniPC keep their
// multistep formula (UniPC-2 gets below the floor below: 4e-5 at 50 NFE).
// For a Gaussian of standard deviation s the exact flow shrinks x - mu by
// s/sqrt(s^2+sigma_min^2) over that step, the jump by s^2/(s^2+sigma_min^2):
// an error of about sigma_min^2/(2 s^2) |x - mu|, independent of NFE. The
// gmm modes have s = 0.1, so with sigma_min = 0.01 this floor is about
// 0.005 * 0.1 = 5e-4 RMS; it shows as the plateau of the third-order solvers
// at 30-50 NFE. diffusers' DEIS stops at sigma_min instead of 0, so its
// error includes the flow over [0, 0.01] (a few 1e-4). With the "normal"
// schedule the multistep solvers' last timestep is ~100 (sigma 0.34): their
// final jump to 0 then dominates (~6e-2 at 10 NFE) and that row measures
// the jump, not the solver.
//
// # Default configuration
//
// The default grid is every solver in its diffusers default configuration
// on diffusers' default training schedule, four sigma schedules, NFE 4..50
// and 64 seeds; the error statistic is the median over seeds of the RMS
// error of one 16-dimensional sample (the mean over seeds ranks the solvers
// the same way). See docs/bench/schedulers_gmm_notes.md for why DPM-Solver++
// 2M is not ahead of Euler at 10 NFE on Karras sigmas on this problem.
//
// # Flow models: the demo model
//
// RunModel is the same measurement for a flow-matching Model: the demo
// model (Demo, a diffusion.Pipeline: text encoding, classifier-free
// guidance per modality, the DiT) or GMMFlow, the gmm as a flow model with
// an exact velocity, which tests the harness in milliseconds. A Model is a
// velocity field over one flat float64 latent vector split into named
// Parts (the demo model's "video" and "audio" latents); the solvers
// (FlowSolvers) are the scheduler code the demo pipeline runs, over
// float64. Each seed's reference is ref-heun with 200 steps (400
// evaluations): Heun on the checkpoint's shifted schedule with a corrector
// on every step, the last one to sigma 0 included, so that no first-order
// final step puts a floor under its accuracy (on GMMFlow it is within
// 2e-4 RMS of a 20000-step RK4 solution and second order; CheckRef
// estimates it on any model). Errors are RMS over all latents, per part
// and, for a Decoder, on the decoded signals (the 8-bit frames mapped to
// [-1, 1], reported as PSNR, and the audio samples). Schedules are flow
// shifts: "normal" (the checkpoint's) or "shiftX".
package schedbench
