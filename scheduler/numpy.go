package scheduler

import "math"

// f32 rounds v to the nearest float32 and returns it as a float64.
func f32(v float64) float64 { return float64(float32(v)) }

// linspace returns n evenly spaced values from start to stop inclusive,
// rounded exactly as numpy.linspace(start, stop, n) in float64: value i is
// i*step + start with step = (stop-start)/(n-1), and the last value is stop.
//
//	for i := range out { out[i] = float64(i)*step + start }; out[n-1] = stop
func linspace(start, stop float64, n int) []float64 {
	out := make([]float64, n)
	if n == 1 {
		out[0] = start
		return out
	}
	step := (stop - start) / float64(n-1)
	for i := range out {
		out[i] = float64(float64(i)*step) + start
	}
	out[n-1] = stop
	return out
}

// linspaceNoEnd is numpy.linspace(start, stop, n, endpoint=False).
func linspaceNoEnd(start, stop float64, n int) []float64 {
	out := make([]float64, n)
	step := (stop - start) / float64(n)
	for i := range out {
		out[i] = float64(float64(i)*step) + start
	}
	return out
}

// arange is numpy.arange(start, stop, step) for float arguments: ceil((stop-
// start)/step) values start + i*step.
func arange(start, stop, step float64) []float64 {
	n := int(math.Ceil((stop - start) / step))
	if n < 0 {
		n = 0
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(float64(i)*step) + start
	}
	return out
}

// linspace32 approximates torch.linspace(start, stop, n, dtype=float32):
// float32 step (stop-start)/(n-1), value start + i*step in the first half and
// stop - (n-1-i)*step in the second. torch's AVX2 kernel differs from this in
// the last ulp for some elements (vector lanes, fused multiply-add); the
// parity tests check the distance and use diffusers' own betas where
// bit-exactness matters.
func linspace32(start, stop float64, n int) []float64 {
	s, e := float32(start), float32(stop)
	step := (e - s) / float32(n-1)
	out := make([]float64, n)
	for i := range out {
		if i < n/2 {
			out[i] = float64(s + float32(step*float32(i)))
		} else {
			out[i] = float64(e - float32(step*float32(n-1-i)))
		}
	}
	return out
}

// interp is numpy.interp(x, [0, 1, ..., len(fp)-1], fp): piecewise linear,
// clamped at both ends, computed as slope*(x - j) + fp[j] like numpy.
func interp(x float64, fp []float64) float64 {
	n := len(fp)
	switch {
	case x <= 0:
		return fp[0]
	case x >= float64(n-1):
		return fp[n-1]
	}
	j := int(math.Floor(x))
	if float64(j) == x {
		return fp[j]
	}
	slope := (fp[j+1] - fp[j]) / 1.0
	return float64(slope*(x-float64(j))) + fp[j]
}

// reversed returns a reversed copy of v.
func reversed(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[len(v)-1-i] = x
	}
	return out
}

// logF32 is the natural log of a float32 value rounded to float32. numpy's
// SIMD float32 log is not correctly rounded; it differs from this in the last
// ulp for some inputs.
func logF32(v float64) float64 { return f32(math.Log(v)) }
