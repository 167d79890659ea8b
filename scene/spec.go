package scene

import (
	"math"
	"math/rand/v2"
)

// Motion says how the balls of a clip are set in motion.
type Motion string

// The motions a clip can have; all balls of a clip share one.
const (
	// Dropped balls start at rest (or nearly) in the upper part of the frame.
	Dropped Motion = "dropped"
	// Thrown balls start with a fast horizontal velocity towards the far wall.
	Thrown Motion = "thrown"
)

// BallSpec is the initial state of one ball.
type BallSpec struct {
	Colour Colour
	Size   SizeClass
	// Radius in pixels.
	Radius float64
	// X0, Y0 is the initial centre in pixels; VX0, VY0 the initial velocity
	// in px/s (y downwards, so VY0 < 0 is upwards).
	X0, Y0, VX0, VY0 float64
}

// Spec is everything that determines a clip.
type Spec struct {
	Seed  uint64
	Index int
	Size  FrameSize
	// Frames is the number of video frames (a multiple of 3, 24..96).
	Frames     int
	Background Background
	Motion     Motion
	Balls      []BallSpec
	// Gravity in px/s² (downwards).
	Gravity float64
	// Restitution is the ratio of outgoing to incoming normal speed.
	Restitution float64
	// Friction is the fraction of horizontal speed lost at each floor impact.
	Friction float64
	// RollDecel is the rolling deceleration in px/s² of a settled ball.
	RollDecel float64
	// Ceiling adds a bouncing surface at y = 0.
	Ceiling bool
	// Ambience adds quiet filtered noise to the soundtrack.
	Ambience bool
	// Verb is the index of the caption verb phrase chosen for the motion.
	Verb int
}

// Duration is the clip length in seconds.
func (s *Spec) Duration() float64 { return float64(s.Frames) / FPS }

// Samples is the number of audio samples.
func (s *Spec) Samples() int { return s.Frames * SampleRate / FPS }

// NewSpec draws the scene of clip index under seed from [ClipRNG]. Thrown
// scenes are redrawn (from the same generator, so still deterministically)
// until every ball hits a wall within the clip, so that the caption "is
// thrown against the wall" is true (after 100 redraws the last scene is kept
// and captioned as bouncing).
func NewSpec(seed uint64, index int) *Spec {
	rng := ClipRNG(seed, index)
	for attempt := 0; ; attempt++ {
		s := drawSpec(rng)
		s.Seed, s.Index = seed, index
		if s.Motion != Thrown || everyBallHitsWall(s) {
			return s
		}
		if attempt == maxThrowAttempts {
			// Never seen in practice; keeps NewSpec total. "bounces" is
			// true of any scene.
			s.Motion, s.Verb = Dropped, 2
			return s
		}
	}
}

// maxThrowAttempts bounds the redraws of a thrown scene.
const maxThrowAttempts = 100

func everyBallHitsWall(s *Spec) bool {
	sim := Simulate(s)
	hit := make([]bool, len(s.Balls))
	for _, im := range sim.Impacts {
		if im.Surface == WallLeft || im.Surface == WallRight {
			hit[im.Ball] = true
		}
	}
	for _, h := range hit {
		if !h {
			return false
		}
	}
	return true
}

// drawSpec draws one candidate scene; the draw order is part of the format.
func drawSpec(rng *rand.Rand) *Spec {
	s := &Spec{}
	s.Size = FrameSizes[rng.IntN(len(FrameSizes))]
	s.Frames = 3 * (MinFrames/3 + rng.IntN((MaxFrames-MinFrames)/3+1))
	s.Background = Backgrounds[rng.IntN(len(Backgrounds))]
	s.Motion = Dropped
	if rng.IntN(2) == 1 {
		s.Motion = Thrown
	}
	W, H := float64(s.Size.W), float64(s.Size.H)
	s.Gravity = uniform(rng, 2.2, 2.8) * H
	s.Restitution = uniform(rng, 0.6, 0.85)
	s.Friction = uniform(rng, 0.02, 0.08)
	s.RollDecel = 0.15 * s.Gravity
	s.Ceiling = rng.IntN(4) == 0
	s.Ambience = rng.IntN(2) == 0
	s.Verb = rng.IntN(len(verbPhrases[s.Motion]))

	var colours []Colour
	for _, c := range Colours {
		if contrasts(c.RGB, s.Background) {
			colours = append(colours, c)
		}
	}
	n := 1 + rng.IntN(3)
	minSide := math.Min(W, H)
	// Half the multi-ball scenes use one size and colour for all balls, so
	// that captions like "two small red balls" are common.
	same := rng.IntN(2) == 0
	for i := range n {
		b := BallSpec{Colour: colours[rng.IntN(len(colours))], Size: Sizes[rng.IntN(len(Sizes))]}
		if same && i > 0 {
			b.Colour, b.Size = s.Balls[0].Colour, s.Balls[0].Size
		}
		r := b.Size.RadiusFrac * minSide
		b.Radius = r
		b.X0 = uniform(rng, r, W-r)
		switch s.Motion {
		case Dropped:
			b.Y0 = uniform(rng, r, 0.45*H)
			b.VX0 = uniform(rng, -0.15, 0.15) * W
		case Thrown:
			b.Y0 = uniform(rng, 0.35*H, H-r)
			speed := uniform(rng, 0.6, 1.4) * W
			if b.X0 > W/2 { // towards the far wall
				speed = -speed
			}
			b.VX0 = speed
			// Upward speed as a fraction of the speed that would reach the top
			// edge; without a ceiling the apex stays inside the frame.
			u := uniform(rng, 0.2, 0.95)
			if s.Ceiling {
				u = uniform(rng, 0.3, 1.3)
			}
			b.VY0 = -u * math.Sqrt(2*s.Gravity*(b.Y0-r))
		}
		s.Balls = append(s.Balls, b)
	}
	return s
}
