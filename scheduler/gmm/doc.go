// Package gmm is the analytic toy denoiser used to give sampling error a
// ground truth: data in D = 16 dimensions from an equal-weight mixture of
// K = 4 isotropic Gaussians with means mu_k[i] = cos(0.7*(k+1)*(i+1)) and
// standard deviation 0.1. For any noising x = a*x0 + b*eps the posterior mean
// E[x0 | x] is exact (Tweedie), so the model returns exact epsilon, v or
// flow-velocity predictions. Everything is float64.
package gmm
