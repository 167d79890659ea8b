package cpu

import "github.com/lockstep-av/lockstep/backend"

// padIndex maps a possibly out-of-range index i of an axis of length n to
// the element that padding mode reads, or -1 for a zero (constant) pad.
func padIndex(i, n int, mode backend.PadMode) int {
	if i >= 0 && i < n {
		return i
	}
	switch mode {
	case backend.PadReplicate:
		return min(max(i, 0), n-1)
	case backend.PadReflect:
		if i < 0 {
			return -i
		}
		return 2*(n-1) - i
	}
	return -1
}

// convMaps holds, per spatial axis a and kernel tap t, the input index
// read by each output index o: idx[a][t*out[a]+o] (-1 for a zero pad).
type convMaps struct {
	idx [3][]int
}

// newConvMaps tabulates the input index of every (axis, tap, output index).
func newConvMaps(g *convGeom) *convMaps {
	m := &convMaps{}
	for a := range 3 {
		tab := make([]int, g.k[a]*g.out[a])
		for t := range g.k[a] {
			for o := range g.out[a] {
				tab[t*g.out[a]+o] = padIndex(o*g.stride[a]-g.pad[a]+t*g.dil[a], g.in[a], g.mode)
			}
		}
		m.idx[a] = tab
	}
	return m
}

// im2col fills col (cinG·kvol rows of n columns) with the input patches of
// output positions [p0, p0+n) of one image img [cinG, D, H, W] (the group's
// channels). Reference loop:
//
//	for ci, kd, kh, kw (row r = ((ci·kD + kd)·kH + kh)·kW + kw) {
//		for j := range n {
//			(od, oh, ow) := unflatten(p0 + j)
//			id, ih, iw := od·sd - pd + kd·dd, oh·sh - ph + kh·dh, ow·sw - pw + kw·dw
//			col[r·n+j] = img[ci, id, ih, iw] after the padding mode maps
//			             (id, ih, iw) into the input, or 0 for a zero pad
//		}
//	}
//
// Rows follow the weight layout [Cout, Cin/groups, kD, kH, kW], so the
// group's weights multiply col directly.
func im2col(col, img []float32, g *convGeom, m *convMaps, p0, n int) {
	od, oh, ow := g.out[0], g.out[1], g.out[2]
	id, ih, iw := g.in[0], g.in[1], g.in[2]
	plane := ih * iw
	// With unit stride and dilation along W and zero padding, the taps of
	// one output row read a contiguous input run: copy it and zero the
	// padded ends instead of gathering element by element.
	contiguous := g.stride[2] == 1 && g.dil[2] == 1 && g.mode == backend.PadConstant
	// The tile's output rows (fixed od, oh), found once for every tap.
	rows := make([]im2colRun, 0, n/ow+2)
	for j, pos := 0, p0; j < n; {
		x := pos % ow
		run := min(ow-x, n-j)
		rows = append(rows, im2colRun{j: j, z: pos / (ow * oh), y: (pos / ow) % oh, x: x, n: run})
		j += run
		pos += run
	}
	r := 0
	for ci := range g.cinG() {
		ch := img[ci*id*plane : (ci+1)*id*plane]
		for kd := range g.k[0] {
			dmap := m.idx[0][kd*od : (kd+1)*od]
			for kh := range g.k[1] {
				hmap := m.idx[1][kh*oh : (kh+1)*oh]
				for kw := range g.k[2] {
					wmap := m.idx[2][kw*ow : (kw+1)*ow]
					dst := col[r*n : (r+1)*n]
					r++
					off := kw*g.dil[2] - g.pad[2] // input column of output column 0 (contiguous case)
					for _, rw := range rows {
						seg := dst[rw.j : rw.j+rw.n]
						zi, yi := dmap[rw.z], hmap[rw.y]
						switch {
						case zi < 0 || yi < 0:
							clear(seg)
						case contiguous:
							src := ch[zi*plane+yi*iw : zi*plane+(yi+1)*iw]
							a := min(max(-off-rw.x, 0), rw.n)   // leading zero pad
							b := min(max(iw-off-rw.x, a), rw.n) // end of the valid run
							clear(seg[:a])
							copy(seg[a:b], src[rw.x+a+off:rw.x+b+off])
							clear(seg[b:])
						default:
							src := ch[zi*plane+yi*iw : zi*plane+(yi+1)*iw]
							for q, xi := range wmap[rw.x : rw.x+rw.n] {
								if xi < 0 {
									seg[q] = 0
								} else {
									seg[q] = src[xi]
								}
							}
						}
					}
				}
			}
		}
	}
}

// im2colRun is a run of a tile's output positions along one output row:
// columns [j, j+n) of the tile are positions (z, y, x..x+n-1).
type im2colRun struct{ j, z, y, x, n int }
