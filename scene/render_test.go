package scene

import (
	"math"
	"testing"
)

// supersampledCoverage is the fraction of a 32x32 grid of sub-pixel points
// of pixel (x, y) that lies inside the disc: an independent reference for the
// analytic coverage of drawDisc.
func supersampledCoverage(x, y int, p Point, r float64) float64 {
	const n = 32
	in := 0
	for j := range n {
		for i := range n {
			dx := float64(x) + (float64(i)+0.5)/n - p[0]
			dy := float64(y) + (float64(j)+0.5)/n - p[1]
			if dx*dx+dy*dy <= r*r {
				in++
			}
		}
	}
	return float64(in) / (n * n)
}

func TestDiscCoverageAgainstSupersampling(t *testing.T) {
	for _, tc := range []struct {
		p Point
		r float64
	}{{Point{10.3, 12.7}, 3.84}, {Point{20, 20}, 5.76}, {Point{31.1, 40.45}, 8.32}, {Point{8.32, 55.68}, 8.32}} {
		const W, H = 64, 64
		buf := make([]float64, W*H*3)
		drawDisc(buf, W, H, tc.p, tc.r, RGB{255, 0, 0})
		var sum, ref, maxErr float64
		for y := range H {
			for x := range W {
				got := buf[(y*W+x)*3] / 255
				want := supersampledCoverage(x, y, tc.p, tc.r)
				sum += got
				ref += want
				maxErr = math.Max(maxErr, math.Abs(got-want))
			}
		}
		if math.Abs(sum-ref)/ref > 0.01 || maxErr > 0.1 {
			t.Errorf("disc %v r %.2f: area %.4f vs supersampled %.4f (rel %.2g), max pixel |err| %.4f",
				tc.p, tc.r, sum, ref, math.Abs(sum-ref)/ref, maxErr)
		}
		t.Logf("disc %v r %.2f: area rel err %.2g, max pixel |err| %.4f", tc.p, tc.r, math.Abs(sum-ref)/ref, maxErr)
	}
}

// TestEverySizeRenders generates clips until every frame size has been seen,
// checks the buffer sizes, and checks single-ball frames against the track:
// the coverage-weighted centroid of the ball colour is the ground-truth
// centre.
func TestEverySizeRenders(t *testing.T) {
	seen := map[FrameSize]bool{}
	centroids, worst := 0, 0.0
	for i := 0; len(seen) < len(FrameSizes) || centroids < 3; i++ {
		if i > 200 {
			t.Fatalf("after 200 clips saw only %v", seen)
		}
		c := Generate(21, i)
		s := c.Spec
		seen[s.Size] = true
		W, H := s.Size.W, s.Size.H
		if len(c.Frames) != s.Frames*H*W*3 || len(c.Audio) != s.Samples() {
			t.Fatalf("clip %d: %d frame bytes, %d samples for %dx%d, %d frames", i, len(c.Frames), len(c.Audio), W, H, s.Frames)
		}
		if s.Frames%3 != 0 || s.Frames < MinFrames || s.Frames > MaxFrames {
			t.Errorf("clip %d: %d frames", i, s.Frames)
		}
		if len(s.Balls) != 1 {
			continue
		}
		bgBuf := make([]float64, W*H*3)
		renderBackground(bgBuf, s.Background, W, H)
		col := s.Balls[0].Colour.RGB
		for f := 0; f < s.Frames; f += 5 {
			p := c.Truth.Balls[0].Track[f]
			r := s.Balls[0].Radius
			if p[0] < r+1 || p[0] > float64(W)-r-1 || p[1] < r+1 || p[1] > float64(H)-r-1 {
				continue // the anti-aliased rim is cut by the frame edge
			}
			var sw, sx, sy float64
			for y := range H {
				for x := range W {
					// Coverage from the pixel: projection of (pixel - bg) on (colour - bg).
					var num, den float64
					for ch := range 3 {
						bg := bgBuf[(y*W+x)*3+ch]
						d := float64(col[ch]) - bg
						num += (float64(c.Frames[((f*H+y)*W+x)*3+ch]) - bg) * d
						den += d * d
					}
					cov := num / den
					if cov > 0.02 {
						sw += cov
						sx += cov * (float64(x) + 0.5)
						sy += cov * (float64(y) + 0.5)
					}
				}
			}
			if e := math.Hypot(sx/sw-p[0], sy/sw-p[1]); e > 0.1 {
				t.Errorf("clip %d frame %d: rendered centroid (%.3f, %.3f), track %v, |err| %.3f px", i, f, sx/sw, sy/sw, p, e)
			}
			worst = math.Max(worst, math.Hypot(sx/sw-p[0], sy/sw-p[1]))
			centroids++
		}
	}
	t.Logf("%d single-ball frames: worst centroid |err| %.4f px", centroids, worst)
}
