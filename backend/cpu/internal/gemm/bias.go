package gemm

// addBias adds bias[j] to c[i*ldc+j] for i < h and j < len(bias): the
// bias epilogue of SgemmBias on one finished tile of C (still in cache).
// Each element gets one rounded addition, c + bias.
func addBias(c []float32, ldc int, bias []float32, h int) {
	w := len(bias)
	if h <= 0 || w == 0 {
		return
	}
	_ = c[(h-1)*ldc+w-1]
	done := 0
	if fastBias && w >= 16 {
		addBiasAVX512(&c[0], ldc, &bias[0], h, w/16)
		done = w &^ 15
	}
	if done == w {
		return
	}
	for i := range h {
		row := c[i*ldc+done : i*ldc+w]
		for j, v := range bias[done:] {
			row[j] += v
		}
	}
}
