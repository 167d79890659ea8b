package eval

import (
	"fmt"
	"image"
)

// Clip is one decoded clip to evaluate.
type Clip struct {
	// Frames holds RGB bytes, row-major, shape [NumFrames, Height, Width, 3].
	Frames        []uint8
	Width, Height int
	// FPS is the video frame rate; frame f shows time f/FPS.
	FPS float64
	// Audio is mono at SampleRate.
	Audio      []float32
	SampleRate int
	// Caption is the prompt the clip was generated from.
	Caption string
}

// NumFrames is the number of video frames of c.
func (c *Clip) NumFrames() int {
	if c.Width <= 0 || c.Height <= 0 {
		return 0
	}
	return len(c.Frames) / (c.Width * c.Height * 3)
}

// Validate reports whether the fields of c are consistent.
func (c *Clip) Validate() error {
	switch {
	case c.Width <= 0 || c.Height <= 0:
		return fmt.Errorf("clip: bad frame size %dx%d", c.Width, c.Height)
	case len(c.Frames) == 0 || len(c.Frames)%(c.Width*c.Height*3) != 0:
		return fmt.Errorf("clip: %d frame bytes is not a whole number of %dx%d RGB frames", len(c.Frames), c.Width, c.Height)
	case c.FPS <= 0:
		return fmt.Errorf("clip: bad frame rate %g", c.FPS)
	case c.SampleRate <= 0:
		return fmt.Errorf("clip: bad sample rate %d", c.SampleRate)
	}
	return nil
}

// FramesFromRGBA packs images of one size into the [F,H,W,3] RGB layout of
// [Clip.Frames], dropping alpha.
func FramesFromRGBA(imgs []*image.RGBA) (frames []uint8, width, height int, err error) {
	if len(imgs) == 0 {
		return nil, 0, 0, fmt.Errorf("frames from RGBA: no images")
	}
	b := imgs[0].Bounds()
	width, height = b.Dx(), b.Dy()
	frames = make([]uint8, 0, len(imgs)*width*height*3)
	for i, im := range imgs {
		if ib := im.Bounds(); ib.Dx() != width || ib.Dy() != height {
			return nil, 0, 0, fmt.Errorf("frames from RGBA: image %d is %dx%d, want %dx%d", i, ib.Dx(), ib.Dy(), width, height)
		}
		ib := im.Bounds()
		for y := ib.Min.Y; y < ib.Max.Y; y++ {
			row := im.Pix[im.PixOffset(ib.Min.X, y):]
			for x := range width {
				frames = append(frames, row[4*x], row[4*x+1], row[4*x+2])
			}
		}
	}
	return frames, width, height, nil
}
