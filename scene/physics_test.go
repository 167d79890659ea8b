package scene

import (
	"math"
	"testing"
)

// testClips is the number of generated clips the statistical tests scan.
const testClips = 60

// singleBall returns a one-ball spec for hand-built physics tests.
func singleBall(w, h int, b BallSpec, e, mu float64, ceiling bool, frames int) *Spec {
	return &Spec{
		Size: FrameSize{w, h}, Frames: frames, Background: Backgrounds[1], Motion: Dropped,
		Balls: []BallSpec{b}, Gravity: 2.5 * float64(h), Restitution: e, Friction: mu,
		RollDecel: 0.375 * float64(h), Ceiling: ceiling,
	}
}

func TestImpactTimesAnalytic(t *testing.T) {
	const r, y0, e = 5.0, 10.0, 0.7
	s := singleBall(64, 64, BallSpec{Size: Sizes[1], Radius: r, X0: 32, Y0: y0}, e, 0, false, 48)
	g := s.Gravity
	// Drop from rest: first contact after sqrt(2 h / g), then bounces of
	// duration 2 v_k / g with v_{k+1} = e v_k.
	v := math.Sqrt(2 * g * (64 - r - y0))
	want := []float64{v / g}
	for range 3 {
		v *= e
		want = append(want, want[len(want)-1]+2*v/g)
	}
	sim := Simulate(s)
	if len(sim.Impacts) < len(want) {
		t.Fatalf("got %d impacts, want at least %d", len(sim.Impacts), len(want))
	}
	for k, w := range want {
		im := sim.Impacts[k]
		if d := math.Abs(im.Time - w); d > 1e-9 || im.Surface != Floor {
			t.Errorf("impact %d: %s at %.12f s, want floor at %.12f s (|err| %.3g s)", k, im.Surface, im.Time, w, d)
		}
		if k > 0 {
			ratio := im.Speed / sim.Impacts[k-1].Speed
			if math.Abs(ratio-e) > 1e-9 {
				t.Errorf("impact %d: speed ratio %.12f, want restitution %.12f", k, ratio, e)
			}
		}
	}
}

func TestWallImpactAnalytic(t *testing.T) {
	const r, x0, vx = 4.0, 20.0, 150.0
	s := singleBall(96, 64, BallSpec{Size: Sizes[0], Radius: r, X0: x0, Y0: 10, VX0: vx}, 0.8, 0.05, false, 24)
	want := (96 - r - x0) / vx
	floor := math.Sqrt(2 * (64 - r - 10) / s.Gravity)
	if want >= floor {
		t.Fatalf("test set-up: wall at %.3f s after floor at %.3f s", want, floor)
	}
	im := Simulate(s).Impacts[0]
	if im.Surface != WallRight || math.Abs(im.Time-want) > 1e-9 || math.Abs(im.Speed-vx) > 1e-9 {
		t.Errorf("first impact %+v, want wall_right at %.12f s with speed %g", im, want, vx)
	}
}

// fitQuadratic fits v = a + b t + c t² by least squares (normal equations in
// float64 with centred t) and returns c and R².
func fitQuadratic(ts, vs []float64) (c, r2 float64) {
	var mt float64
	for _, t := range ts {
		mt += t
	}
	mt /= float64(len(ts))
	var m [3][4]float64
	for i, t := range ts {
		x := [3]float64{1, t - mt, (t - mt) * (t - mt)}
		for r := range 3 {
			for k := range 3 {
				m[r][k] += x[r] * x[k]
			}
			m[r][3] += x[r] * vs[i]
		}
	}
	for p := range 3 { // Gauss-Jordan elimination
		for r := range 3 {
			if r != p {
				f := m[r][p] / m[p][p]
				for k := p; k < 4; k++ {
					m[r][k] -= f * m[p][k]
				}
			}
		}
	}
	coef := [3]float64{m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2]}
	var mean, ssTot, ssRes float64
	for _, v := range vs {
		mean += v
	}
	mean /= float64(len(vs))
	for i, t := range ts {
		d := t - mt
		pred := coef[0] + coef[1]*d + coef[2]*d*d
		ssRes += (vs[i] - pred) * (vs[i] - pred)
		ssTot += (vs[i] - mean) * (vs[i] - mean)
	}
	return coef[2], 1 - ssRes/ssTot
}

func TestTracksAreParabolasBetweenImpacts(t *testing.T) {
	segments, worst := 0, 1.0
	for i := range testClips {
		s := NewSpec(3, i)
		sim := Simulate(s)
		for b := range s.Balls {
			// Impact times of ball b, with the clip's ends as sentinels.
			cuts := []float64{-1}
			for _, im := range sim.Impacts {
				if im.Ball == b {
					cuts = append(cuts, im.Time)
				}
			}
			cuts = append(cuts, math.Inf(1))
			for k := 1; k < len(cuts); k++ {
				var ts, ys []float64
				for f, p := range sim.Tracks[b] {
					if tf := float64(f) / FPS; tf > cuts[k-1] && tf < cuts[k] {
						ts, ys = append(ts, tf), append(ys, p[1])
					}
				}
				if len(ts) < 5 || variance(ys) < 0.01 { // too short, or rolling
					continue
				}
				c, r2 := fitQuadratic(ts, ys)
				segments++
				worst = math.Min(worst, r2)
				if r2 < 0.999 || math.Abs(2*c-s.Gravity) > 1e-6*s.Gravity {
					t.Errorf("clip %d ball %d segment %d: R² %.9f, 2c %.6f, gravity %.6f", i, b, k, r2, 2*c, s.Gravity)
				}
			}
		}
	}
	if segments < 50 {
		t.Fatalf("only %d segments checked", segments)
	}
	t.Logf("%d flight segments, worst R² %.12f", segments, worst)
}

func variance(v []float64) float64 {
	var m, s float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return s / float64(len(v))
}

// TestImpactsAtExtrema checks that each impact is where the ball's coordinate
// normal to the surface is extreme: the frames just before and after a floor
// impact are above the contact height, a wall impact's neighbours are inside
// it, and no frame ever leaves the box.
func TestImpactsAtExtrema(t *testing.T) {
	checked := 0
	for i := range testClips {
		s := NewSpec(5, i)
		sim := Simulate(s)
		W, H := float64(s.Size.W), float64(s.Size.H)
		for b, tr := range sim.Tracks {
			r := s.Balls[b].Radius
			for f, p := range tr {
				if p[0] < r-1e-9 || p[0] > W-r+1e-9 || p[1] < r-1e-9 || p[1] > H-r+1e-9 {
					t.Errorf("clip %d ball %d frame %d: centre %v outside the box (r %.2f)", i, b, f, p, r)
				}
			}
		}
		for _, im := range sim.Impacts {
			tr, r := sim.Tracks[im.Ball], s.Balls[im.Ball].Radius
			f0 := int(math.Floor(im.Time * FPS))
			if f0+1 >= len(tr) {
				continue
			}
			var before, after, contact float64
			switch im.Surface {
			case Floor:
				before, after, contact = tr[f0][1], tr[f0+1][1], H-r
			case Ceiling:
				before, after, contact = -tr[f0][1], -tr[f0+1][1], -r
			case WallLeft:
				before, after, contact = -tr[f0][0], -tr[f0+1][0], -r
			case WallRight:
				before, after, contact = tr[f0][0], tr[f0+1][0], W-r
			}
			if before > contact+1e-9 || after > contact+1e-9 {
				t.Errorf("clip %d impact %+v: neighbours %.6f %.6f beyond contact %.6f", i, im, before, after, contact)
			}
			checked++
		}
	}
	t.Logf("%d impacts checked", checked)
}

// TestRestitutionReducesBounceHeight follows single dropped balls: the top of
// each bounce seen in the frames is lower than the one before, and lower than
// the analytic apex (e v)²/(2g) above the floor.
func TestRestitutionReducesBounceHeight(t *testing.T) {
	checked := 0
	for i := range testClips {
		s := NewSpec(9, i)
		if len(s.Balls) != 1 || s.Ceiling {
			continue
		}
		sim := Simulate(s)
		floor := float64(s.Size.H) - s.Balls[0].Radius
		var fl []Impact
		for _, im := range sim.Impacts {
			if im.Surface == Floor {
				fl = append(fl, im)
			}
		}
		prev := math.Inf(1)
		for k := 0; k+1 < len(fl); k++ {
			apex := math.Pow(s.Restitution*fl[k].Speed, 2) / (2 * s.Gravity)
			seen := 0.0
			for f, p := range sim.Tracks[0] {
				if tf := float64(f) / FPS; tf > fl[k].Time && tf < fl[k+1].Time {
					seen = math.Max(seen, floor-p[1])
				}
			}
			if seen > apex+1e-9 || (seen > 0 && seen >= prev) {
				t.Errorf("clip %d bounce %d: seen height %.4f px, apex %.4f px, previous seen %.4f px", i, k, seen, apex, prev)
			}
			if seen > 0 {
				prev = seen
			}
			if fl[k+1].Speed >= fl[k].Speed {
				t.Errorf("clip %d bounce %d: speed %.4f not below %.4f", i, k, fl[k+1].Speed, fl[k].Speed)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("only %d bounces checked", checked)
	}
	t.Logf("%d bounces checked", checked)
}
