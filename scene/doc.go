// Package scene generates the synthetic training and evaluation clips of the
// demo model: one to three balls thrown or dropped in a box, bouncing off the
// floor and the walls, rendered as small RGB frames at 12 fps together with a
// 16 kHz mono soundtrack in which every impact makes a short percussive tone,
// a caption from a small grammar, and the exact ground truth (ball tracks and
// impact times) that `lockstep eval` measures generated clips against.
//
// # Determinism
//
// A clip is a pure function of (seed, index). Each clip draws from its own
// math/rand/v2 PCG generator seeded by [ClipRNG]:
//
//	seed1 = splitmix64(seed ^ 0x6c6f636b73746570)       // "lockstep"
//	seed2 = splitmix64(uint64(index) ^ splitmix64(seed))
//	rng   = rand.New(rand.NewPCG(seed1, seed2))
//
// The scene specification is drawn from rng in a fixed order; the audio noise
// (impact clicks are deterministic, only the ambience is noise) uses a second
// PCG stream derived the same way with stream tag 1 (see [clipStream]). No
// global or time-based randomness is used, goroutines never share a
// generator, and all pixel and sample arithmetic is sequential per clip, so the
// same (seed, index) gives identical bytes on every run and machine.
//
// # Coordinates and physics
//
// Positions are in pixels of the clip's frame: x to the right, y downwards,
// the floor is the bottom edge y = H, the walls are x = 0 and x = W, and an
// optional ceiling is y = 0. A ball of radius r touches the floor when its
// centre is at y = H - r. Gravity is constant and scaled with the frame height
// (about 2.5 H px/s²). Between impacts a flying ball moves on an exact
// parabola; the simulator advances in fixed sub-steps of 1/192 s (16 per
// frame), and within each sub-step solves the free-flight equations for the
// earliest contact time in closed form, so impact times are exact up to
// floating-point rounding (far below a microsecond), not quantised to steps.
//
// Collisions: the normal velocity is reversed and scaled by the restitution;
// floor contacts also remove a small fraction of the horizontal velocity
// (sliding friction); walls and the ceiling are frictionless, so y(t) stays a
// single parabola across a wall impact. When the bounce after a floor impact
// would rise less than a quarter pixel, the ball settles and rolls along the
// floor with a small constant rolling deceleration until it stops.
// Ball-ball collisions are not simulated: balls move in separate depth planes
// (later balls drawn in front), which keeps every trajectory independent and
// every impact a ball-surface impact.
//
// # Sound
//
// Every impact starts a tone at exactly its impact time: the tone is a
// continuous-time signal s(t - t_impact) sampled at n/16000, zero before the
// impact, so its first non-zero sample is the first sample at or after the
// impact (sample-accurate, sub-sample phase exact). Loudness is proportional
// to the normal impact speed, pitch depends on the ball size (small is high),
// and floor impacts (harmonic, longer decay) sound different from wall and
// ceiling impacts (inharmonic bar-like partials, short decay). Each tone
// starts with a 1 ms click that marks the onset. Half the clips carry a quiet
// low-pass filtered noise ambience.
package scene
