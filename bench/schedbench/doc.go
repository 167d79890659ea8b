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
// of its grid, sigma_min, straight to 0, and diffusers' solvers make that
// step first order (x <- D(x, sigma_min)) whatever their nominal order.
// For a Gaussian of standard deviation s the exact flow shrinks x - mu by
// s/sqrt(s^2+sigma_min^2) over that step, the jump by s^2/(s^2+sigma_min^2):
// an error of about sigma_min^2/(2 s^2) |x - mu|, independent of NFE. The
// gmm modes have s = 0.1, so with sigma_min = 0.01 this floor is ~5e-4
// (relative to the mode spread s) and limits every solver at high NFE; see
// docs/bench/schedulers_gmm.md for the measured effect.
package schedbench
