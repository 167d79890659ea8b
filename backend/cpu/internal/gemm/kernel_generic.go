package gemm

// kernelGeneric is the 4×8 pure-Go micro-kernel (see microKernel).
func kernelGeneric(kc int, a, b, c []float32, ldc int, add bool) {
	const mr, nr = 4, 8
	var acc [mr][nr]float32
	a = a[:kc*mr]
	b = b[:kc*nr]
	for len(a) >= mr && len(b) >= nr {
		bp := (*[nr]float32)(b)
		ap := (*[mr]float32)(a)
		a, b = a[mr:], b[nr:]
		for i := range mr {
			ai := ap[i]
			r := &acc[i]
			r[0] += ai * bp[0]
			r[1] += ai * bp[1]
			r[2] += ai * bp[2]
			r[3] += ai * bp[3]
			r[4] += ai * bp[4]
			r[5] += ai * bp[5]
			r[6] += ai * bp[6]
			r[7] += ai * bp[7]
		}
	}
	for i := range mr {
		row := (*[nr]float32)(c[i*ldc:])
		if add {
			for j := range nr {
				row[j] += acc[i][j]
			}
		} else {
			*row = acc[i]
		}
	}
}
