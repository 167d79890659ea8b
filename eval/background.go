package eval

import "math"

// Background is a per-pixel background estimate, row-major [H, W, 3].
type Background struct {
	Width, Height int
	Pix           []float64
}

// At returns the background colour at pixel (x, y).
func (b *Background) At(x, y int) [3]float64 {
	i := (y*b.Width + x) * 3
	return [3]float64{b.Pix[i], b.Pix[i+1], b.Pix[i+2]}
}

// rowReliable is the fraction of a row's pixels that must agree with the row
// median for the row to be trusted as background.
const rowReliable = 0.6

// EstimateBackground estimates the static background of frames (RGB
// [F,H,W,3]). It takes the per-pixel temporal median B, the per-row median
// colour R(y) of B, and fits a straight line per channel through R over the
// rows where at least 60% of the pixels lie within tol of R(y); rows that
// fail take the line's colour (a ball resting over much of a row). A pixel
// whose B is farther than tol from its row's colour (a ball at rest for most
// of the clip) takes the row colour, otherwise it keeps B. The demo
// backgrounds are vertical gradients, for which this is exact; a background
// with horizontal structure stronger than tol is flattened to its rows.
func EstimateBackground(frames []uint8, nFrames, width, height int, tol float64) *Background {
	n := width * height * 3
	med := make([]float64, n)
	var hist [256]int32
	for i := range n {
		for f := range nFrames {
			hist[frames[f*n+i]]++
		}
		half, acc := int32((nFrames+1)/2), int32(0)
		for v := range 256 {
			acc += hist[v]
			if acc >= half {
				med[i] = float64(v)
				break
			}
		}
		for f := range nFrames {
			hist[frames[f*n+i]]--
		}
	}
	rows := make([][3]float64, height)
	good := make([]bool, height)
	vals := make([]float64, width)
	for y := range height {
		for c := range 3 {
			for x := range width {
				vals[x] = med[(y*width+x)*3+c]
			}
			rows[y][c] = median(vals)
		}
		agree := 0
		for x := range width {
			if colourDist(med[(y*width+x)*3:], rows[y][:]) <= tol {
				agree++
			}
		}
		good[y] = float64(agree) >= rowReliable*float64(width)
	}
	fitRows(rows, good)
	bg := &Background{Width: width, Height: height, Pix: med}
	for y := range height {
		for x := range width {
			p := med[(y*width+x)*3 : (y*width+x)*3+3]
			if colourDist(p, rows[y][:]) > tol {
				copy(p, rows[y][:])
			}
		}
	}
	return bg
}

// fitRows replaces the colours of the rows that are not good by a least
// squares line through the good rows (per channel); with fewer than two good
// rows it leaves them unchanged.
func fitRows(rows [][3]float64, good []bool) {
	var n, sy, syy float64
	var sc, syc [3]float64
	for y, ok := range good {
		if !ok {
			continue
		}
		fy := float64(y)
		n++
		sy += fy
		syy += fy * fy
		for c := range 3 {
			sc[c] += rows[y][c]
			syc[c] += fy * rows[y][c]
		}
	}
	det := n*syy - sy*sy
	if n < 2 || det == 0 {
		return
	}
	for y, ok := range good {
		if ok {
			continue
		}
		for c := range 3 {
			slope := (n*syc[c] - sy*sc[c]) / det
			icpt := (sc[c] - slope*sy) / n
			rows[y][c] = icpt + slope*float64(y)
		}
	}
}

// colourDist is the Euclidean distance of the first three values of a and b.
func colourDist(a, b []float64) float64 {
	d0, d1, d2 := a[0]-b[0], a[1]-b[1], a[2]-b[2]
	return math.Sqrt(d0*d0 + d1*d1 + d2*d2)
}
