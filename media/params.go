package media

import (
	"errors"
	"fmt"
	"image"
	"math"
)

// Params describes the stream a [Writer] receives.
type Params struct {
	// Width and Height of every frame in pixels. Zero for audio-only output.
	Width, Height int
	// FPSNum/FPSDen is the frame rate as a rational; 12/1 when both are zero.
	FPSNum, FPSDen int
	// SampleRate in Hz; zero means no audio track.
	SampleRate int
	// Channels of audio; 1 when zero. Audio passed to WriteWindow is
	// interleaved when Channels > 1.
	Channels int
	// JPEGQuality for AVI's MJPEG frames (1..100); 90 when zero.
	JPEGQuality int
	// FloatWAV selects 32-bit IEEE float samples for WAV output instead of
	// 16-bit PCM.
	FloatWAV bool
	// Strict makes WriteWindow fail unless the audio received so far is
	// exactly round(frames/fps·sr) samples after every window, instead of
	// padding or trimming on Close.
	Strict bool
	// RIFFLimit is the size in bytes after which the AVI writer starts a new
	// RIFF segment (1 GiB when zero). Tests lower it to exercise OpenDML.
	RIFFLimit int64
	// CRF is the x264 constant rate factor for MP4 output; 18 when zero.
	CRF int
}

// withDefaults returns p with zero fields replaced by their defaults.
func (p Params) withDefaults() Params {
	if p.FPSNum == 0 && p.FPSDen == 0 {
		p.FPSNum, p.FPSDen = 12, 1
	}
	if p.FPSDen == 0 {
		p.FPSDen = 1
	}
	if p.Channels == 0 {
		p.Channels = 1
	}
	if p.JPEGQuality == 0 {
		p.JPEGQuality = 90
	}
	if p.RIFFLimit == 0 {
		p.RIFFLimit = 1 << 30
	}
	if p.CRF == 0 {
		p.CRF = 18
	}
	return p
}

// validate checks p (after defaults) for the needs of a writer.
func (p Params) validate(video, audio bool) error {
	if p.FPSNum <= 0 || p.FPSDen <= 0 {
		return fmt.Errorf("media: frame rate %d/%d must be positive", p.FPSNum, p.FPSDen)
	}
	if video && (p.Width <= 0 || p.Height <= 0 || p.Width > 1<<15 || p.Height > 1<<15) {
		return fmt.Errorf("media: frame size %dx%d out of range (1..32768)", p.Width, p.Height)
	}
	if audio && (p.SampleRate <= 0 || p.SampleRate > 1<<20) {
		return fmt.Errorf("media: sample rate %d out of range (1..1048576)", p.SampleRate)
	}
	if p.Channels < 1 || p.Channels > 16 {
		return fmt.Errorf("media: %d audio channels out of range (1..16)", p.Channels)
	}
	if p.JPEGQuality < 1 || p.JPEGQuality > 100 {
		return fmt.Errorf("media: JPEG quality %d out of range (1..100)", p.JPEGQuality)
	}
	return nil
}

// FPS returns the frame rate as a float64 (after defaults).
func (p Params) FPS() float64 {
	p = p.withDefaults()
	return float64(p.FPSNum) / float64(p.FPSDen)
}

// SampleAt returns round(frame/fps·sr), the number of audio samples (per
// channel) that precede frame number frame. It is exact integer arithmetic:
// round(frame·den·sr / num), ties rounded up.
func (p Params) SampleAt(frame int) int {
	p = p.withDefaults()
	n := int64(frame) * int64(p.FPSDen) * int64(p.SampleRate)
	d := int64(p.FPSNum)
	return int((2*n + d) / (2 * d))
}

// SamplesInFrame returns the number of audio samples (per channel) in frame
// i's interval: SampleAt(i+1) - SampleAt(i).
func (p Params) SamplesInFrame(i int) int { return p.SampleAt(i+1) - p.SampleAt(i) }

// clock tracks the frames and samples a writer has received and keeps them
// on the shared time line.
type clock struct {
	p       Params
	frames  int // video frames received
	samples int // audio samples (per channel) received
}

// check validates one window against p and, in strict mode, the time line.
func (c *clock) check(frames []*image.RGBA, audio []float32, video bool) error {
	if len(audio)%c.p.Channels != 0 {
		return fmt.Errorf("media: %d audio values are not a multiple of %d channels", len(audio), c.p.Channels)
	}
	if len(audio) > 0 && c.p.SampleRate == 0 {
		return errors.New("media: audio given but Params.SampleRate is 0")
	}
	if video {
		for i, f := range frames {
			if f == nil {
				return fmt.Errorf("media: frame %d is nil", c.frames+i)
			}
			if b := f.Bounds(); b.Dx() != c.p.Width || b.Dy() != c.p.Height {
				return fmt.Errorf("media: frame %d is %dx%d, want %dx%d", c.frames+i, b.Dx(), b.Dy(), c.p.Width, c.p.Height)
			}
		}
	}
	if c.p.Strict && c.p.SampleRate > 0 && (video || len(frames) > 0) {
		want := c.p.SampleAt(c.frames + len(frames))
		got := c.samples + len(audio)/c.p.Channels
		if got != want {
			return fmt.Errorf("media: after %d frames the stream has %d audio samples, want round(frames/fps*sr) = %d", c.frames+len(frames), got, want)
		}
	}
	return nil
}

// advance records a window that has been accepted.
func (c *clock) advance(nframes, nvalues int) {
	c.frames += nframes
	c.samples += nvalues / c.p.Channels
}

// clip clamps x to [-1, 1]; NaN becomes 0.
func clip(x float32) float32 {
	switch {
	case x > 1:
		return 1
	case x < -1:
		return -1
	case x != x:
		return 0
	}
	return x
}

// toPCM16 converts a sample in [-1, 1] to 16-bit PCM (clipping, rounding
// half away from zero, scale 32767).
func toPCM16(x float32) int16 {
	return int16(math.Round(float64(clip(x)) * 32767))
}
