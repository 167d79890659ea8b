package scene

import "math"

// RGB is an 8-bit sRGB colour.
type RGB [3]uint8

// Colour is a named ball colour of the palette.
type Colour struct {
	Name string
	RGB  RGB
}

// Colours is the ball palette. Every name is a caption word.
var Colours = []Colour{
	{"red", RGB{220, 40, 40}},
	{"green", RGB{40, 190, 60}},
	{"blue", RGB{50, 90, 230}},
	{"yellow", RGB{240, 210, 40}},
	{"white", RGB{245, 245, 245}},
	{"orange", RGB{245, 140, 30}},
	{"purple", RGB{150, 60, 200}},
}

// SizeClass is a named ball size; the radius is a fraction of the smaller
// frame side, so a "small" ball looks equally small in every aspect ratio.
type SizeClass struct {
	Name string
	// RadiusFrac is the radius divided by min(width, height).
	RadiusFrac float64
	// Pitch is the fundamental frequency of the ball's impact tone in Hz.
	Pitch float64
	// Decay is the time constant of the floor tone's fundamental in seconds.
	Decay float64
}

// Sizes lists the ball sizes from small to large.
var Sizes = []SizeClass{
	{"small", 0.06, 1200, 0.05},
	{"medium", 0.09, 760, 0.07},
	{"large", 0.13, 480, 0.09},
}

// Background is a vertical gradient (Top == Bottom for a plain colour) with
// the phrase that names it in a caption.
type Background struct {
	Name   string
	Phrase string
	Top    RGB
	Bottom RGB
}

// Backgrounds lists the backdrops.
var Backgrounds = []Background{
	{"grey_floor", "on a grey floor", RGB{175, 175, 170}, RGB{105, 105, 100}},
	{"dark_room", "in a dark room", RGB{25, 25, 30}, RGB{25, 25, 30}},
	{"blue_sky", "under a blue sky", RGB{90, 150, 230}, RGB{200, 225, 250}},
	{"white_room", "in a white room", RGB{235, 235, 230}, RGB{235, 235, 230}},
	{"sunset", "at sunset", RGB{60, 40, 110}, RGB{240, 150, 80}},
}

// FrameSize is a clip's frame size in pixels.
type FrameSize struct{ W, H int }

// FrameSizes lists the supported frame sizes (width x height).
var FrameSizes = []FrameSize{{64, 64}, {96, 64}, {64, 96}}

// Stream constants shared by every clip.
const (
	// FPS is the video frame rate.
	FPS = 12
	// SampleRate is the audio sample rate in Hz.
	SampleRate = 16000
	// SubSteps is the number of physics sub-steps per video frame.
	SubSteps = 16
	// MinFrames and MaxFrames bound the clip length (2 s and 8 s); the frame
	// count is a multiple of 3 so that the sample count is an integer.
	MinFrames = 2 * FPS
	MaxFrames = 8 * FPS
)

// minContrast is the smallest RGB distance allowed between a ball colour and
// either end of the background gradient.
const minContrast = 100

// contrasts reports whether c is distinguishable from background b.
func contrasts(c RGB, b Background) bool {
	return dist(c, b.Top) >= minContrast && dist(c, b.Bottom) >= minContrast
}

func dist(a, b RGB) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s)
}
