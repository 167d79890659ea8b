package eval

import (
	"math"
	"math/rand/v2"
	"testing"
)

// degrade blurs every frame with a 3x3 box filter and adds Gaussian pixel
// noise of sigma (8-bit units), as a stand-in for a VAE decoder's output.
func degrade(c *Clip, sigma float64, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	W, H := c.Width, c.Height
	out := make([]uint8, len(c.Frames))
	n := W * H * 3
	for f := range c.NumFrames() {
		src := c.Frames[f*n : (f+1)*n]
		for y := range H {
			for x := range W {
				for ch := range 3 {
					var s, k float64
					for dy := -1; dy <= 1; dy++ {
						for dx := -1; dx <= 1; dx++ {
							xx, yy := x+dx, y+dy
							if xx >= 0 && yy >= 0 && xx < W && yy < H {
								s += float64(src[(yy*W+xx)*3+ch])
								k++
							}
						}
					}
					v := s/k + sigma*rng.NormFloat64()
					out[f*n+(y*W+x)*3+ch] = uint8(math.Round(math.Max(0, math.Min(255, v))))
				}
			}
		}
	}
	c.Frames = out
}

func TestDegradedClipsStillPass(t *testing.T) {
	var rs []*Report
	for i, g := range generated(t)[:12] {
		c := *g.clip
		degrade(&c, 6, uint64(i))
		r, err := Evaluate(&c, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	s := summarizeAll(rs)
	t.Logf("blurred + noise σ=6: |offset| median %.2f ms, p90 %.2f ms; heard %.1f%% of %d, seen %.1f%% of %d; R² median %.5f (%.1f%% >= 0.95); colour %.0f%%, count %.0f%%",
		s.Offsets.MedianAbsMS, s.Offsets.P90AbsMS, 100*s.HeardFrac, s.Impacts, 100*s.SeenFrac, s.Onsets, s.R2Median, 100*s.R2Good, 100*s.ColourMatch, 100*s.CountMatch)
	for _, c := range s.Checks {
		if !c.Pass {
			t.Errorf("check %q fails on degraded clips: %g %s %g", c.Name, c.Value, c.Op, c.Threshold)
		}
	}
}
