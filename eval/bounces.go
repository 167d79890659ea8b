package eval

import (
	"math"
	"slices"
)

// smallBounces finds floor impacts too small for the extremum detector (a
// rebound of a pixel or two, over two or three frames) from the second
// differences of y. In free flight y(t+dt) - 2y(t) + y(t-dt) = g dt²; an
// impact at τ in (t_k, t_k+1) with velocity change Δv lowers the second
// differences at k and k+1 by D_k = Δv (t_k+1 - τ) and D_k+1 = Δv (τ - t_k),
// so Δv = (D_k + D_k+1)/dt and τ = t_k + dt D_k+1/(D_k + D_k+1). Deficits
// explained by the impacts in have, and those of a ball at rest (moving
// less than restTol pixels from the frame before and to the frame after,
// where the floor's support makes a deficit of g dt² every frame), are set
// aside; then the pair with the largest deficit
// sum is taken, its deficits are consumed, and so on while Δv >= MinJump. A
// pair is an impact when the velocity before is downward, the one after
// upward with 0.3 to 1.05 times its speed, and the ball's edge is within
// Margin of the floor; samples of a ball split from a blob or touching
// another ball are not used. Gravity g is
// the median second difference over the frames where the ball is well above
// its lowest position; without such frames there are no candidates.
// The restitution a small bounce must show (out over in speed).
const minRestitution, maxRestitution = 0.3, 1.05

// restTol is the vertical motion in pixels per frame below which a ball
// counts as resting.
const restTol = 0.15

func smallBounces(tr *Track, have []Impact, height int, fps float64, o *ImpactOptions) []Impact {
	n := tr.Len()
	if n < 5 {
		return nil
	}
	y, fr := tr.Y, tr.Frames
	dt := 1 / fps
	lowest := slices.Max(y)
	var acc []float64
	for k := 1; k+1 < n; k++ {
		if fr[k-1]+1 == fr[k] && fr[k]+1 == fr[k+1] && y[k-1] < lowest-1.5 && y[k] < lowest-1.5 && y[k+1] < lowest-1.5 {
			acc = append(acc, y[k+1]-2*y[k]+y[k-1])
		}
	}
	if len(acc) < 3 {
		return nil
	}
	gdt2 := median(acc)
	if gdt2 <= 0 {
		return nil
	}
	// deficit[k] for k with contiguous neighbours, NaN elsewhere.
	def := make([]float64, n)
	for k := range def {
		def[k] = math.NaN()
		if k >= 1 && k+1 < n && fr[k-1]+1 == fr[k] && fr[k]+1 == fr[k+1] && tr.clean(k-1) && tr.clean(k) && tr.clean(k+1) {
			def[k] = gdt2 - (y[k+1] - 2*y[k] + y[k-1])
		}
	}
	// Explained deficits: those of the impacts already found, and those of
	// a ball resting on the floor (two samples at the lowest level).
	for _, im := range have {
		if im.Track != tr.ID || im.Surface != Floor {
			continue
		}
		for k := 0; k+1 < n; k++ {
			if t0, t1 := float64(fr[k])/fps, float64(fr[k+1])/fps; t0 <= im.Time+1e-9 && im.Time < t1 {
				def[k], def[k+1] = 0, 0
			}
		}
	}
	for k := 1; k+1 < n; k++ {
		if math.Abs(y[k]-y[k-1]) < restTol && math.Abs(y[k+1]-y[k]) < restTol {
			def[k] = math.NaN()
		}
	}
	g := gdt2 / (dt * dt)
	var out []Impact
	for {
		best, bk := o.MinJump*dt, -1
		for k := 1; k+2 < n; k++ {
			if d := math.Max(0, def[k]) + math.Max(0, def[k+1]); d >= best && !math.IsNaN(d) {
				best, bk = d, k
			}
		}
		if bk < 0 {
			break
		}
		k := bk
		d0, d1 := math.Max(0, def[k]), math.Max(0, def[k+1])
		def[k], def[k+1] = 0, 0
		jump := (d0 + d1) / dt
		tk := float64(fr[k]) / fps
		tau := tk + dt*d1/(d0+d1)
		// Pre-impact parabola through k-1 and k with curvature g.
		vk := (y[k]-y[k-1])/dt + g*dt/2 // velocity at t_k
		vIn := vk + g*(tau-tk)
		pos := y[k] + vk*(tau-tk) + g*(tau-tk)*(tau-tk)/2
		e := (jump - vIn) / vIn // restitution
		if vIn <= 0 || e < minRestitution || e > maxRestitution || pos+tr.Radius[k] < float64(height)*(1-o.Margin) {
			continue
		}
		if slices.ContainsFunc(have, func(im Impact) bool {
			return im.Track == tr.ID && math.Abs(im.Time-tau) < dt
		}) {
			continue
		}
		out = append(out, Impact{
			Time: tau, Frame: int(math.Round(tau * fps)), Track: tr.ID, Colour: tr.Colour,
			Surface: Floor, Speed: vIn,
		})
	}
	return out
}
