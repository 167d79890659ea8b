package scene

// Clip is one generated clip: its frames, soundtrack and ground truth.
type Clip struct {
	Spec *Spec
	// Frames is RGB, row-major, shape [Frames, H, W, 3].
	Frames []uint8
	// Audio is mono float32 at SampleRate, Spec.Samples() long.
	Audio []float32
	Truth Truth
}

// Format names the ground-truth schema written by [Truth].
const Format = "lockstep-scene/1"

// BallTruth is the ground truth of one ball.
type BallTruth struct {
	Colour string `json:"colour"`
	RGB    RGB    `json:"rgb"`
	Size   string `json:"size"`
	// Radius in pixels.
	Radius float64 `json:"radius"`
	// Track holds the centre (x, y) in pixels at every frame; frame f shows
	// time f/FPS.
	Track []Point `json:"track"`
}

// Truth is the ground truth of a clip, serialised as its JSON file.
type Truth struct {
	Format     string  `json:"format"`
	Seed       uint64  `json:"seed"`
	Index      int     `json:"index"`
	Caption    string  `json:"caption"`
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	FPS        int     `json:"fps"`
	SampleRate int     `json:"sample_rate"`
	Frames     int     `json:"frames"`
	Samples    int     `json:"samples"`
	Duration   float64 `json:"duration"`
	Background string  `json:"background"`
	Motion     Motion  `json:"motion"`
	// Gravity (px/s²), Restitution, Friction and RollDecel (px/s²) are the
	// physics constants of the clip.
	Gravity     float64     `json:"gravity"`
	Restitution float64     `json:"restitution"`
	Friction    float64     `json:"friction"`
	RollDecel   float64     `json:"roll_decel"`
	Ceiling     bool        `json:"ceiling"`
	Ambience    bool        `json:"ambience"`
	Balls       []BallTruth `json:"balls"`
	Impacts     []Impact    `json:"impacts"`
}

// Generate builds clip index of the data set with the given seed.
func Generate(seed uint64, index int) *Clip {
	s := NewSpec(seed, index)
	sim := Simulate(s)
	c := &Clip{
		Spec:   s,
		Frames: RenderFrames(s, sim.Tracks),
		Audio:  RenderAudio(s, sim.Impacts),
	}
	c.Truth = Truth{
		Format: Format, Seed: seed, Index: index, Caption: Caption(s),
		Width: s.Size.W, Height: s.Size.H, FPS: FPS, SampleRate: SampleRate,
		Frames: s.Frames, Samples: s.Samples(), Duration: s.Duration(),
		Background: s.Background.Name, Motion: s.Motion,
		Gravity: s.Gravity, Restitution: s.Restitution, Friction: s.Friction,
		RollDecel: s.RollDecel, Ceiling: s.Ceiling, Ambience: s.Ambience,
		Impacts: sim.Impacts,
	}
	if c.Truth.Impacts == nil {
		c.Truth.Impacts = []Impact{}
	}
	for i, b := range s.Balls {
		c.Truth.Balls = append(c.Truth.Balls, BallTruth{
			Colour: b.Colour.Name, RGB: b.Colour.RGB, Size: b.Size.Name,
			Radius: b.Radius, Track: sim.Tracks[i],
		})
	}
	return c
}
