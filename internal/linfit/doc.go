// Package linfit solves small linear least-squares problems in float64
// through the normal equations. It serves the curve fits of package eval
// (parabolas between bounces) and the latent preview map of package
// diffusion; both have a handful of unknowns and well-scaled data, where
// the normal equations are accurate and cheap.
package linfit
