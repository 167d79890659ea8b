package eval

import (
	"math"

	"github.com/lockstep-av/lockstep/scene"
)

// Detection is one ball found in one frame.
type Detection struct {
	Frame int `json:"frame"`
	// Colour is the palette name of the ball's colour.
	Colour string `json:"colour"`
	// X, Y is the centre in pixels (pixel (i, j) covers [i, i+1) x [j, j+1)).
	X float64 `json:"x"`
	Y float64 `json:"y"`
	// Radius of the disc with the blob's area, in pixels.
	Radius float64 `json:"radius"`
	// Area is the alpha-weighted pixel count.
	Area float64 `json:"area"`
	// Split is true when the blob was split into overlapping balls, Touching
	// when it touches a blob of another colour (one ball hides part of the
	// other); the centre is then less accurate.
	Split    bool `json:"split,omitempty"`
	Touching bool `json:"touching,omitempty"`
}

// DetectOptions tunes [DetectFrame].
type DetectOptions struct {
	// Palette lists the ball colours (default scene.Colours).
	Palette []scene.Colour
	// Threshold is the RGB distance from the background above which a pixel
	// is foreground.
	Threshold float64
	// MinContrast is the smallest RGB distance between a palette colour and
	// the background under a pixel for the pixel to be labelled with that
	// colour (a ball of nearly the background's colour cannot be told from
	// noise; the scene generator keeps a contrast of 100).
	MinContrast float64
	// MinArea is the smallest blob area (alpha-weighted pixels) reported.
	MinArea float64
	// SplitRatio: a one-colour blob not touching another ball, whose second
	// moments differ by 30% and whose area exceeds SplitRatio times the area
	// of a disc with its minor-axis radius, is split (see splitCount).
	SplitRatio float64
}

// blob is a connected component of one colour label.
type blob struct {
	label  int
	pixels []int32
}

// DetectFrame finds the balls in one RGB frame ([H,W,3]) over background bg;
// f is the frame index recorded in the detections. Each foreground pixel
// (farther than Threshold from the background) is labelled with the palette
// colour c that best explains it as p = bg + alpha (c - bg); 8-connected
// pixels of one label form a blob, measured by its alpha-weighted centroid
// and area (including the unlabelled anti-aliased rim); blobs below MinArea
// are dropped, and elongated one-colour blobs are split by k-means.
func DetectFrame(frame []uint8, bg *Background, f int, o *DetectOptions) []Detection {
	W, H := bg.Width, bg.Height
	pal := o.Palette
	// Per palette colour and pixel: the coverage alpha of the blend model
	// p = bg + alpha (c - bg); the label is the colour with the smallest
	// residual.
	n := W * H
	label := make([]int, n)
	alpha := make([]float64, n)
	for i := range n {
		label[i] = -1
		p := frame[3*i : 3*i+3]
		b := bg.Pix[3*i : 3*i+3]
		d := [3]float64{float64(p[0]) - b[0], float64(p[1]) - b[1], float64(p[2]) - b[2]}
		if math.Sqrt(d[0]*d[0]+d[1]*d[1]+d[2]*d[2]) <= o.Threshold {
			continue
		}
		best := math.Inf(1)
		for k, c := range pal {
			if colourDist([]float64{float64(c.RGB[0]), float64(c.RGB[1]), float64(c.RGB[2])}, b) < o.MinContrast {
				continue
			}
			a, res := blend(d, c.RGB, b)
			if res < best {
				best, label[i], alpha[i] = res, k, a
			}
		}
	}
	blobs := components(label, W, H)
	// owner[i] is the blob of pixel i when that blob is big enough to be a
	// ball (stray rim pixels labelled with another colour do not count as a
	// neighbouring ball), else -1.
	owner := make([]int, n)
	for i := range owner {
		owner[i] = -1
	}
	for bi, b := range blobs {
		if float64(len(b.pixels)) >= o.MinArea {
			for _, i := range b.pixels {
				owner[i] = bi
			}
		}
	}
	var dets []Detection
	for bi := range blobs {
		bl := &blobs[bi]
		c := pal[bl.label].RGB
		m := measure(bl, frame, bg, c, label)
		if m.mass < o.MinArea {
			continue
		}
		det := Detection{Frame: f, Colour: pal[bl.label].Name, Touching: touchesOther(bl, bi, owner, W, H)}
		parts := 1
		if !det.Touching {
			parts = splitCount(m, o.SplitRatio)
		}
		if parts == 1 {
			det.X, det.Y, det.Area = m.cx, m.cy, m.mass
			det.Radius = math.Sqrt(m.mass / math.Pi)
			dets = append(dets, det)
			continue
		}
		for _, p := range splitBlob(m, parts) {
			d := det
			d.X, d.Y, d.Area, d.Split = p.cx, p.cy, p.mass, true
			d.Radius = math.Sqrt(p.mass / math.Pi)
			dets = append(dets, d)
		}
	}
	return dets
}

// blend returns the coverage alpha in [0, 1] of colour c over background b
// that best explains the difference d = p - b, and the residual distance.
func blend(d [3]float64, c scene.RGB, b []float64) (float64, float64) {
	e := [3]float64{float64(c[0]) - b[0], float64(c[1]) - b[1], float64(c[2]) - b[2]}
	ee := e[0]*e[0] + e[1]*e[1] + e[2]*e[2]
	a := 0.0
	if ee > 0 {
		a = (d[0]*e[0] + d[1]*e[1] + d[2]*e[2]) / ee
	}
	a = math.Max(0, math.Min(1, a))
	r0, r1, r2 := d[0]-a*e[0], d[1]-a*e[1], d[2]-a*e[2]
	return a, math.Sqrt(r0*r0 + r1*r1 + r2*r2)
}

// components labels the 8-connected components of equal non-negative labels.
func components(label []int, W, H int) []blob {
	seen := make([]bool, len(label))
	var out []blob
	var stack []int32
	for start, l := range label {
		if l < 0 || seen[start] {
			continue
		}
		b := blob{label: l}
		seen[start] = true
		stack = append(stack[:0], int32(start))
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			b.pixels = append(b.pixels, i)
			x, y := int(i)%W, int(i)/W
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= W || ny >= H {
						continue
					}
					j := ny*W + nx
					if !seen[j] && label[j] == l {
						seen[j] = true
						stack = append(stack, int32(j))
					}
				}
			}
		}
		out = append(out, b)
	}
	return out
}

// touchesOther reports whether blob b (index bi) has an 8-neighbour owned by
// another blob (a ball occluding or occluded by another).
func touchesOther(b *blob, bi int, owner []int, W, H int) bool {
	for _, i := range b.pixels {
		x, y := int(i)%W, int(i)/W
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				nx, ny := x+dx, y+dy
				if nx < 0 || ny < 0 || nx >= W || ny >= H {
					continue
				}
				if o := owner[ny*W+nx]; o >= 0 && o != bi {
					return true
				}
			}
		}
	}
	return false
}

// moments are the alpha-weighted pixels of a blob and their moments.
type moments struct {
	xs, ys, ws       []float64
	mass, cx, cy     float64
	sxx, syy, sxy    float64 // central second moments / mass
	minorVar, majVar float64
	majorX, majorY   float64 // unit major axis
}

// measure collects the blob's pixels and its unlabelled 8-neighbours (the
// faint anti-aliased rim), weighted by their coverage of colour c.
func measure(b *blob, frame []uint8, bg *Background, c scene.RGB, label []int) moments {
	W, H := bg.Width, bg.Height
	var m moments
	rim := map[int32]bool{}
	add := func(i int32) {
		p := frame[3*i : 3*i+3]
		q := bg.Pix[3*i : 3*i+3]
		d := [3]float64{float64(p[0]) - q[0], float64(p[1]) - q[1], float64(p[2]) - q[2]}
		a, _ := blend(d, c, q)
		if a <= 0 {
			return
		}
		m.xs = append(m.xs, float64(int(i)%W)+0.5)
		m.ys = append(m.ys, float64(int(i)/W)+0.5)
		m.ws = append(m.ws, a)
	}
	for _, i := range b.pixels {
		add(i)
		x, y := int(i)%W, int(i)/W
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				nx, ny := x+dx, y+dy
				if nx < 0 || ny < 0 || nx >= W || ny >= H {
					continue
				}
				j := int32(ny*W + nx)
				if label[j] < 0 && !rim[j] {
					rim[j] = true
					add(j)
				}
			}
		}
	}
	m.finish()
	return m
}

// finish computes mass, centroid and second moments from xs, ys, ws.
func (m *moments) finish() {
	m.mass, m.cx, m.cy, m.sxx, m.syy, m.sxy = 0, 0, 0, 0, 0, 0
	for i, w := range m.ws {
		m.mass += w
		m.cx += w * m.xs[i]
		m.cy += w * m.ys[i]
	}
	if m.mass == 0 {
		return
	}
	m.cx /= m.mass
	m.cy /= m.mass
	for i, w := range m.ws {
		dx, dy := m.xs[i]-m.cx, m.ys[i]-m.cy
		m.sxx += w * dx * dx
		m.syy += w * dy * dy
		m.sxy += w * dx * dy
	}
	m.sxx /= m.mass
	m.syy /= m.mass
	m.sxy /= m.mass
	tr, det := m.sxx+m.syy, m.sxx*m.syy-m.sxy*m.sxy
	disc := math.Sqrt(math.Max(0, tr*tr/4-det))
	m.majVar, m.minorVar = tr/2+disc, math.Max(0, tr/2-disc)
	// Eigenvector of the larger eigenvalue.
	ex, ey := m.sxy, m.majVar-m.sxx
	if math.Abs(ex)+math.Abs(ey) < 1e-12 {
		ex, ey = m.majVar-m.syy, m.sxy
	}
	if n := math.Hypot(ex, ey); n > 1e-12 {
		m.majorX, m.majorY = ex/n, ey/n
	} else {
		m.majorX, m.majorY = 1, 0
	}
}

// splitCount estimates how many discs of one colour make up a blob. A disc
// has equal second moments (r²/4); a blob whose major moment exceeds the
// minor by elongated or more is at least two discs, and so is one whose area
// exceeds ratio times that of a disc with the minor axis's radius
// (r = 2 sqrt(minor)) while the moments differ by 30%; an area above
// ratio+1 such discs makes three.
func splitCount(m moments, ratio float64) int {
	if m.minorVar <= 0 || m.majVar < 1.3*m.minorVar {
		return 1
	}
	r := 2 * math.Sqrt(m.minorVar)
	n := m.mass / (math.Pi * r * r)
	switch {
	case n >= ratio+1:
		return 3
	case n >= ratio || m.majVar >= elongated*m.minorVar:
		return 2
	}
	return 1
}

// elongated is the ratio of second moments beyond which a one-colour blob
// is not one disc.
const elongated = 1.5

// part is one disc of a split blob.
type part struct{ cx, cy, mass float64 }

// splitBlob splits a blob into k parts by weighted k-means on the pixel
// positions, started from points spread along the major axis.
func splitBlob(m moments, k int) []part {
	half := math.Sqrt(math.Max(0, m.majVar-m.minorVar))
	cs := make([]part, k)
	for j := range k {
		s := (float64(j) - float64(k-1)/2) * 2 * half / float64(k)
		cs[j] = part{cx: m.cx + s*m.majorX, cy: m.cy + s*m.majorY}
	}
	assign := make([]int, len(m.ws))
	for range 20 {
		for i := range m.ws {
			best := math.Inf(1)
			for j, c := range cs {
				if d := math.Hypot(m.xs[i]-c.cx, m.ys[i]-c.cy); d < best {
					best, assign[i] = d, j
				}
			}
		}
		next := make([]part, k)
		for i, w := range m.ws {
			p := &next[assign[i]]
			p.mass += w
			p.cx += w * m.xs[i]
			p.cy += w * m.ys[i]
		}
		for j := range next {
			if next[j].mass > 0 {
				next[j].cx /= next[j].mass
				next[j].cy /= next[j].mass
			} else {
				next[j] = cs[j]
			}
		}
		cs = next
	}
	return cs
}
