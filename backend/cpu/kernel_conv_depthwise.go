package cpu

// convDepthwise computes one output channel of a convolution whose groups
// have a single input channel (depthwise), directly from the input
// channel img [D, H, W] and the channel's kernel w [kD·kH·kW]. Reference
// loop:
//
//	for pos := range dst {
//		s := 0
//		for t, (kd, kh, kw) := range taps { // in weight order
//			if the padding mode maps (pos, t) to an input element v {
//				s += w[t]·v
//			} // zero pads add nothing
//		}
//		dst[pos] = s + bias
//	}
//
// The loop runs tap by tap over the whole channel, which keeps each
// element's summation in tap order.
func convDepthwise(dst, img, w []float32, bias float32, g *convGeom, m *convMaps) {
	od, oh, ow := g.out[0], g.out[1], g.out[2]
	iw := g.in[2]
	plane := g.in[1] * iw
	clear(dst)
	t := 0
	for kd := range g.k[0] {
		dmap := m.idx[0][kd*od : (kd+1)*od]
		for kh := range g.k[1] {
			hmap := m.idx[1][kh*oh : (kh+1)*oh]
			for kw := range g.k[2] {
				wmap := m.idx[2][kw*ow : (kw+1)*ow]
				wv := w[t]
				t++
				for z, zi := range dmap {
					if zi < 0 {
						continue
					}
					for y, yi := range hmap {
						if yi < 0 {
							continue
						}
						src := img[zi*plane+yi*iw : zi*plane+(yi+1)*iw]
						row := dst[(z*oh+y)*ow : (z*oh+y+1)*ow]
						for x, xi := range wmap {
							if xi >= 0 {
								row[x] += wv * src[xi]
							}
						}
					}
				}
			}
		}
	}
	if bias != 0 {
		for i := range dst {
			dst[i] += bias
		}
	}
}
