package media

import (
	"errors"
	"fmt"
	"image"
	"image/png"
)

// Scale resizes src to w×h by area averaging: each output pixel is the
// mean of the source area it covers, weighting partially covered source
// pixels by their coverage. Computed in float64, rounded to nearest.
func Scale(src *image.RGBA, w, h int) *image.RGBA {
	if w <= 0 || h <= 0 {
		panic(fmt.Sprintf("media.Scale: target size %dx%d", w, h))
	}
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if sw == 0 || sh == 0 {
		return dst
	}
	xw := coverage(sw, w)
	yw := coverage(sh, h)
	var acc [4]float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			acc = [4]float64{}
			total := 0.0
			for _, cy := range yw[y] {
				for _, cx := range xw[x] {
					wgt := cy.w * cx.w
					o := src.PixOffset(b.Min.X+cx.i, b.Min.Y+cy.i)
					for c := 0; c < 4; c++ {
						acc[c] += wgt * float64(src.Pix[o+c])
					}
					total += wgt
				}
			}
			o := dst.PixOffset(x, y)
			for c := 0; c < 4; c++ {
				dst.Pix[o+c] = uint8(acc[c]/total + 0.5)
			}
		}
	}
	return dst
}

// cover is a source index and the fraction of it an output pixel covers.
type cover struct {
	i int
	w float64
}

// coverage returns, for each of the n output pixels along an axis of
// src source pixels, the source pixels it covers and their weights.
func coverage(src, n int) [][]cover {
	out := make([][]cover, n)
	scale := float64(src) / float64(n)
	for j := range out {
		lo, hi := float64(j)*scale, float64(j+1)*scale
		for i := int(lo); i < src && float64(i) < hi; i++ {
			w := min(hi, float64(i+1)) - max(lo, float64(i))
			if w > 1e-12 {
				out[j] = append(out[j], cover{i, w})
			}
		}
	}
	return out
}

// fitWidth returns the size of a w×h image scaled to width tw (keeping the
// aspect ratio, at least 1 pixel high); tw <= 0 keeps the size.
func fitWidth(w, h, tw int) (int, int) {
	if tw <= 0 || w == 0 {
		return w, h
	}
	return tw, max(1, (h*tw+w/2)/w)
}

// Thumbnail returns the middle frame of frames (frames[len/2]) scaled to
// width tw with its aspect ratio kept (tw <= 0 keeps the size). It returns
// nil for no frames.
func Thumbnail(frames []*image.RGBA, tw int) *image.RGBA {
	if len(frames) == 0 {
		return nil
	}
	f := frames[len(frames)/2]
	w, h := fitWidth(f.Bounds().Dx(), f.Bounds().Dy(), tw)
	return Scale(f, w, h)
}

// SpriteIndices returns n frame indices evenly spaced over total frames,
// first and last included: round(k·(total-1)/(n-1)) for k in [0, n). Fewer
// than n are returned when total < n.
func SpriteIndices(total, n int) []int {
	if total <= 0 || n <= 0 {
		return nil
	}
	n = min(n, total)
	if n == 1 {
		return []int{total / 2}
	}
	idx := make([]int, n)
	for k := range idx {
		idx[k] = (2*k*(total-1) + (n - 1)) / (2 * (n - 1))
	}
	return idx
}

// Spritesheet returns a grid of n evenly spaced frames (see
// [SpriteIndices]) scaled to tile width tw, cols tiles per row, in time
// order left to right, top to bottom. Empty cells are black.
func Spritesheet(frames []*image.RGBA, n, cols, tw int) *image.RGBA {
	idx := SpriteIndices(len(frames), n)
	tiles := make([]*image.RGBA, len(idx))
	for k, i := range idx {
		f := frames[i]
		w, h := fitWidth(f.Bounds().Dx(), f.Bounds().Dy(), tw)
		tiles[k] = Scale(f, w, h)
	}
	return grid(tiles, cols)
}

// grid lays out equally sized tiles, cols per row.
func grid(tiles []*image.RGBA, cols int) *image.RGBA {
	if len(tiles) == 0 {
		return image.NewRGBA(image.Rect(0, 0, 0, 0))
	}
	cols = max(1, min(cols, len(tiles)))
	rows := (len(tiles) + cols - 1) / cols
	tw, th := tiles[0].Bounds().Dx(), tiles[0].Bounds().Dy()
	sheet := image.NewRGBA(image.Rect(0, 0, cols*tw, rows*th))
	for i := range sheet.Pix {
		if i%4 == 3 {
			sheet.Pix[i] = 255
		}
	}
	for k, t := range tiles {
		x0, y0 := (k%cols)*tw, (k/cols)*th
		for y := 0; y < th; y++ {
			copy(sheet.Pix[sheet.PixOffset(x0, y0+y):][:4*tw], t.Pix[t.PixOffset(0, y):][:4*tw])
		}
	}
	return sheet
}

// PreviewCollector is a [Writer] that keeps only what a thumbnail and a
// spritesheet of a stream of known length need: the scaled frames at the
// sprite indices and the middle frame. Memory does not grow with the clip.
type PreviewCollector struct {
	total, tw int
	want      map[int]int // frame index -> tile slot
	tiles     []*image.RGBA
	thumb     *image.RGBA
	seen      int
}

// NewPreviewCollector returns a collector for a stream of total frames
// that keeps n sprite tiles of width tw.
func NewPreviewCollector(total, n, tw int) *PreviewCollector {
	c := &PreviewCollector{total: total, tw: tw, want: map[int]int{}}
	for k, i := range SpriteIndices(total, n) {
		c.want[i] = k
	}
	c.tiles = make([]*image.RGBA, len(c.want))
	return c
}

// WriteWindow implements [Writer]; audio is ignored.
func (c *PreviewCollector) WriteWindow(frames []*image.RGBA, _ []float32) error {
	for _, f := range frames {
		if c.seen == c.total/2 || c.thumb == nil {
			c.thumb = Scale(f, f.Bounds().Dx(), f.Bounds().Dy())
		}
		if k, ok := c.want[c.seen]; ok {
			w, h := fitWidth(f.Bounds().Dx(), f.Bounds().Dy(), c.tw)
			c.tiles[k] = Scale(f, w, h)
		}
		c.seen++
	}
	return nil
}

// Close implements [Writer].
func (c *PreviewCollector) Close() error { return nil }

// Abort implements [Writer].
func (c *PreviewCollector) Abort() error { return nil }

// Thumbnail returns the middle frame (or the first, if the stream ended
// early) scaled to width tw, or nil before any frame.
func (c *PreviewCollector) Thumbnail(tw int) *image.RGBA {
	if c.thumb == nil {
		return nil
	}
	w, h := fitWidth(c.thumb.Bounds().Dx(), c.thumb.Bounds().Dy(), tw)
	return Scale(c.thumb, w, h)
}

// Spritesheet returns the collected tiles, cols per row; tiles of frames
// that never arrived are left out.
func (c *PreviewCollector) Spritesheet(cols int) *image.RGBA {
	var tiles []*image.RGBA
	for _, t := range c.tiles {
		if t != nil {
			tiles = append(tiles, t)
		}
	}
	return grid(tiles, cols)
}

// WritePNG writes img to path as PNG, through path.partial and a rename.
func WritePNG(path string, img image.Image) error {
	if img == nil {
		return errors.New("media: no image to write to " + path)
	}
	pf, err := createPartial(path)
	if err != nil {
		return err
	}
	if err := png.Encode(pf.f, img); err != nil {
		pf.abort()
		return fmt.Errorf("media: encode %s: %w", path, err)
	}
	return pf.commit()
}
