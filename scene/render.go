package scene

import "math"

// RenderFrames draws every frame of s with the ball centres of tracks and
// returns them as one row-major RGB byte slice of shape [Frames, H, W, 3].
func RenderFrames(s *Spec, tracks [][]Point) []uint8 {
	W, H := s.Size.W, s.Size.H
	frame := W * H * 3
	out := make([]uint8, s.Frames*frame)
	bg := make([]float64, frame)
	renderBackground(bg, s.Background, W, H)
	buf := make([]float64, frame)
	for f := range s.Frames {
		copy(buf, bg)
		for b, bs := range s.Balls {
			drawDisc(buf, W, H, tracks[b][f], bs.Radius, bs.Colour.RGB)
		}
		dst := out[f*frame : (f+1)*frame]
		for i, v := range buf {
			dst[i] = uint8(math.Round(math.Max(0, math.Min(255, v))))
		}
	}
	return out
}

// renderBackground fills dst (H*W*3) with the vertical gradient of bg: row y
// has the colour at fraction (y+0.5)/H between Top and Bottom.
func renderBackground(dst []float64, bg Background, W, H int) {
	for y := range H {
		t := (float64(y) + 0.5) / float64(H)
		for c := range 3 {
			v := (1-t)*float64(bg.Top[c]) + t*float64(bg.Bottom[c])
			for x := range W {
				dst[(y*W+x)*3+c] = v
			}
		}
	}
}

// drawDisc composites an anti-aliased disc of radius r centred at p over dst.
// A pixel's coverage is the analytic approximation clamp(r + 1/2 - d, 0, 1),
// d being the distance from the pixel centre (x+1/2, y+1/2) to p; it is exact
// for a straight edge crossing the pixel perpendicular to an axis.
func drawDisc(dst []float64, W, H int, p Point, r float64, col RGB) {
	x0 := max(0, int(math.Floor(p[0]-r-1)))
	x1 := min(W-1, int(math.Ceil(p[0]+r+1)))
	y0 := max(0, int(math.Floor(p[1]-r-1)))
	y1 := min(H-1, int(math.Ceil(p[1]+r+1)))
	for y := y0; y <= y1; y++ {
		dy := float64(y) + 0.5 - p[1]
		for x := x0; x <= x1; x++ {
			dx := float64(x) + 0.5 - p[0]
			cov := r + 0.5 - math.Sqrt(dx*dx+dy*dy)
			if cov <= 0 {
				continue
			}
			cov = math.Min(cov, 1)
			i := (y*W + x) * 3
			for c := range 3 {
				dst[i+c] += cov * (float64(col[c]) - dst[i+c])
			}
		}
	}
}
