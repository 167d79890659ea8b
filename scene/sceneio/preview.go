package sceneio

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"

	"github.com/lockstep-av/lockstep/scene"
)

// SheetOptions lays out a preview spritesheet.
type SheetOptions struct {
	// Columns is the number of frames shown per clip, Step the frame stride.
	Columns, Step int
	// Scale is the integer pixel magnification.
	Scale int
}

// Marker colours of the impact strip under each frame of a spritesheet.
var (
	floorMarker = color.RGBA{255, 255, 255, 255}
	wallMarker  = color.RGBA{255, 60, 200, 255}
	stripColour = color.RGBA{0, 0, 0, 255}
	gapColour   = color.RGBA{40, 40, 40, 255}
)

// stripHeight is the height in pixels (before scaling) of the impact strip.
const stripHeight = 3

// Spritesheet draws one row per clip with opt.Columns frames, each frame
// followed below by a strip that is white when a floor impact and magenta when
// a wall or ceiling impact happened since the previous frame shown (in
// (t_prev, t]); both when both did.
func Spritesheet(clips []*scene.Clip, opt SheetOptions) *image.RGBA {
	cellW, cellH := 0, 0
	for _, c := range clips {
		cellW = max(cellW, c.Spec.Size.W)
		cellH = max(cellH, c.Spec.Size.H)
	}
	cellH += stripHeight
	const gap = 2
	s := opt.Scale
	img := image.NewRGBA(image.Rect(0, 0, s*(opt.Columns*(cellW+gap)+gap), s*(len(clips)*(cellH+gap)+gap)))
	fill(img, img.Rect, gapColour)
	for row, c := range clips {
		W, H := c.Spec.Size.W, c.Spec.Size.H
		for col := range opt.Columns {
			f := col * opt.Step
			if f >= c.Spec.Frames {
				break
			}
			ox, oy := gap+col*(cellW+gap), gap+row*(cellH+gap)
			px := c.Frames[f*W*H*3:]
			for y := range H {
				for x := range W {
					i := (y*W + x) * 3
					fill(img, scaled(ox+x, oy+y, 1, 1, s), color.RGBA{px[i], px[i+1], px[i+2], 255})
				}
			}
			fill(img, scaled(ox, oy+H, W, stripHeight, s), stripColour)
			t1 := float64(f) / scene.FPS
			t0 := float64(f-opt.Step) / scene.FPS
			for _, im := range c.Truth.Impacts {
				if im.Time <= t0 || im.Time > t1 {
					continue
				}
				if im.Surface == scene.Floor {
					fill(img, scaled(ox, oy+H, W/2, stripHeight, s), floorMarker)
				} else {
					fill(img, scaled(ox+W/2, oy+H, W-W/2, stripHeight, s), wallMarker)
				}
			}
		}
	}
	return img
}

func scaled(x, y, w, h, s int) image.Rectangle { return image.Rect(x*s, y*s, (x+w)*s, (y+h)*s) }

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

// WritePNG encodes img as PNG.
func WritePNG(w io.Writer, img image.Image) error {
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("encode png: %w", err)
	}
	return nil
}
