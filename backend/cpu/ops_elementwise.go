package cpu

import (
	"math"

	"github.com/lockstep-av/lockstep/backend"
)

// elemGrain is the smallest number of elements worth a goroutine.
const elemGrain = 1 << 14

// Binary applies op with NumPy broadcasting. Operands are walked as
// (after merging axes that are contiguous in both) rows of the innermost
// axis, each operand with stride 1 or 0 along it, so same-shape, scalar,
// [N,D]·[D] and [N,D]·[N,1] all run inner loops without index arithmetic.
func (c *Context) Binary(op backend.BinaryOp, a, b backend.Tensor) backend.Tensor {
	shape, ok := backend.BroadcastShapes(a.Shape(), b.Shape())
	if !ok {
		backend.ShapePanic("Binary", "shapes do not broadcast", a, b)
	}
	if op > backend.Minimum {
		panic("cpu.Binary: invalid op")
	}
	av, bv := c.f32("Binary", a), c.f32("Binary", b)
	out := c.newTensor(shape...)
	dims, sa, sb := mergeBroadcast(shape, broadcastStrides(a.Shape(), shape, 1), broadcastStrides(b.Shape(), shape, 1))
	inner := dims[len(dims)-1]
	ia, ib := sa[len(sa)-1], sb[len(sb)-1]
	c.b.parallelFor(len(out.data), elemGrain, func(lo, hi int) {
		for pos := lo; pos < hi; {
			row, col := pos/inner, pos%inner
			oa, ob := 0, 0
			for d, r := len(dims)-2, row; d >= 0; d-- {
				x := r % dims[d]
				r /= dims[d]
				oa += x * sa[d]
				ob += x * sb[d]
			}
			n := min(inner-col, hi-pos)
			binaryKernel(op, out.data[pos:pos+n], av[oa+col*ia:], ia, bv[ob+col*ib:], ib)
			pos += n
		}
	})
	return out
}

// mergeBroadcast merges adjacent axes that are contiguous for both
// operands (strides sa, sb; 0 marks a broadcast axis) and drops size-1
// axes, so the innermost axis is as long as possible. It always returns at
// least one axis.
func mergeBroadcast(shape, sa, sb []int) (dims, ma, mb []int) {
	for d := range shape {
		if shape[d] == 1 {
			continue
		}
		if k := len(dims) - 1; k >= 0 && sa[d]*shape[d] == ma[k] && sb[d]*shape[d] == mb[k] {
			// Axis k is the outer neighbour of d with matching strides
			// (both contiguous, or both broadcast).
			dims[k] *= shape[d]
			ma[k], mb[k] = sa[d], sb[d]
			continue
		}
		dims, ma, mb = append(dims, shape[d]), append(ma, sa[d]), append(mb, sb[d])
	}
	if len(dims) == 0 {
		return []int{1}, []int{0}, []int{0}
	}
	return dims, ma, mb
}

// binaryKernel computes dst[i] = op(a[i*sa], b[i*sb]) where each stride is
// 0 or 1. Reference loop:
//
//	for i := range dst {
//		dst[i] = op(a[i*sa], b[i*sb])
//	}
//
// Add, Sub, Mul and Div with at least one vector operand run the AVX-512
// loops of binaryVec where the CPU has them (same bits).
func binaryKernel(op backend.BinaryOp, dst, a []float32, sa int, b []float32, sb int) {
	n := len(dst)
	if binaryVec != nil && op <= backend.Div && n > 0 && (sa == 1 || sb == 1) {
		switch {
		case sa == 1 && sb == 1:
			binaryVec[op][0](dst, a[:n], b[:n])
		case sa == 1:
			binaryVec[op][1](dst, a[:n], b[:1])
		default:
			binaryVec[op][2](dst, a[:1], b[:n])
		}
		return
	}
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:n], b[:n]
		switch op {
		case backend.Add:
			for i := range dst {
				dst[i] = a[i] + b[i]
			}
		case backend.Sub:
			for i := range dst {
				dst[i] = a[i] - b[i]
			}
		case backend.Mul:
			for i := range dst {
				dst[i] = a[i] * b[i]
			}
		case backend.Div:
			for i := range dst {
				dst[i] = a[i] / b[i]
			}
		case backend.Maximum:
			for i := range dst {
				dst[i] = max(a[i], b[i])
			}
		case backend.Minimum:
			for i := range dst {
				dst[i] = min(a[i], b[i])
			}
		}
	case sa == 1:
		a, s := a[:n], b[0]
		switch op {
		case backend.Add:
			for i := range dst {
				dst[i] = a[i] + s
			}
		case backend.Sub:
			for i := range dst {
				dst[i] = a[i] - s
			}
		case backend.Mul:
			for i := range dst {
				dst[i] = a[i] * s
			}
		case backend.Div:
			for i := range dst {
				dst[i] = a[i] / s
			}
		case backend.Maximum:
			for i := range dst {
				dst[i] = max(a[i], s)
			}
		case backend.Minimum:
			for i := range dst {
				dst[i] = min(a[i], s)
			}
		}
	case sb == 1:
		s, b := a[0], b[:n]
		switch op {
		case backend.Add:
			for i := range dst {
				dst[i] = s + b[i]
			}
		case backend.Sub:
			for i := range dst {
				dst[i] = s - b[i]
			}
		case backend.Mul:
			for i := range dst {
				dst[i] = s * b[i]
			}
		case backend.Div:
			for i := range dst {
				dst[i] = s / b[i]
			}
		case backend.Maximum:
			for i := range dst {
				dst[i] = max(s, b[i])
			}
		case backend.Minimum:
			for i := range dst {
				dst[i] = min(s, b[i])
			}
		}
	default:
		var v float32
		x, y := a[0], b[0]
		switch op {
		case backend.Add:
			v = x + y
		case backend.Sub:
			v = x - y
		case backend.Mul:
			v = x * y
		case backend.Div:
			v = x / y
		case backend.Maximum:
			v = max(x, y)
		case backend.Minimum:
			v = min(x, y)
		}
		for i := range dst {
			dst[i] = v
		}
	}
}

// Unary applies op elementwise. Exp, Sigmoid, SiLU and GELUTanh run the
// float32 kernels of kernel_act.go (AVX-512 where the CPU has it), within
// a few ulp of the exact result; the other transcendental functions are
// evaluated in float64 (math, or geluExact) and rounded once.
func (c *Context) Unary(op backend.UnaryOp, a backend.Tensor) backend.Tensor {
	if op > backend.GELUTanh {
		panic("cpu.Unary: invalid op")
	}
	src := c.f32("Unary", a)
	out := c.newTensor(a.Shape()...)
	c.b.parallelFor(len(src), elemGrain, func(lo, hi int) {
		unaryKernel(op, out.data[lo:hi], src[lo:hi])
	})
	return out
}

// unaryKernel computes dst[i] = op(src[i]). Reference loop:
//
//	for i := range dst {
//		dst[i] = float32(op(float64(src[i])))
//	}
//
// Ops that are exact in float32 and the activations of kernel_act.go run
// on float32; the others widen blocks of 256 values to float64 first (see
// widenBlock), apply unary64 and round once.
func unaryKernel(op backend.UnaryOp, dst, src []float32) {
	src = src[:len(dst)]
	switch op {
	case backend.Exp:
		expF32(dst, src)
	case backend.Sigmoid:
		sigmoidF32(dst, src)
	case backend.SiLU:
		siluF32(dst, src)
	case backend.GELUTanh:
		geluTanhF32(dst, src)
	case backend.Neg:
		for i, x := range src {
			dst[i] = -x
		}
	case backend.Abs:
		for i, x := range src {
			dst[i] = math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
		}
	case backend.Square:
		for i, x := range src {
			dst[i] = x * x
		}
	case backend.Recip:
		for i, x := range src {
			dst[i] = 1 / x
		}
	case backend.ReLU:
		for i, x := range src {
			dst[i] = max(x, 0)
		}
	default:
		var buf [256]float64
		for len(dst) > 0 {
			n := min(len(dst), len(buf))
			b := buf[:n]
			widenBlock(b, src[:n])
			unary64(op, b)
			narrowBlock(dst[:n], b)
			dst, src = dst[n:], src[n:]
		}
	}
}

// unary64 replaces each x of buf by op(x) for the ops evaluated in
// float64 (Log, Sqrt, Rsqrt, Sin, Cos, Tanh and GELU).
func unary64(op backend.UnaryOp, buf []float64) {
	switch op {
	case backend.Log:
		for i, x := range buf {
			buf[i] = math.Log(x)
		}
	case backend.Sqrt:
		for i, x := range buf {
			buf[i] = math.Sqrt(x)
		}
	case backend.Rsqrt:
		for i, x := range buf {
			buf[i] = 1 / math.Sqrt(x)
		}
	case backend.Sin:
		for i, x := range buf {
			buf[i] = math.Sin(x)
		}
	case backend.Cos:
		for i, x := range buf {
			buf[i] = math.Cos(x)
		}
	case backend.Tanh:
		for i, x := range buf {
			buf[i] = math.Tanh(x)
		}
	case backend.GELU:
		geluBlock(buf)
	}
}

// Affine returns a*scale + shift.
func (c *Context) Affine(a backend.Tensor, scale, shift float32) backend.Tensor {
	src := c.f32("Affine", a)
	out := c.newTensor(a.Shape()...)
	c.b.parallelFor(len(src), elemGrain, func(lo, hi int) {
		affineKernel(out.data[lo:hi], src[lo:hi], scale, shift)
	})
	return out
}

// affineKernel computes, for i := range dst, dst[i] = src[i]*scale + shift.
func affineKernel(dst, src []float32, scale, shift float32) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = float32(x*scale) + shift
	}
}

// LeakyReLU returns a where a >= 0 and slope*a elsewhere.
func (c *Context) LeakyReLU(a backend.Tensor, slope float32) backend.Tensor {
	src := c.f32("LeakyReLU", a)
	out := c.newTensor(a.Shape()...)
	c.b.parallelFor(len(src), elemGrain, func(lo, hi int) {
		d, s := out.data[lo:hi], src[lo:hi]
		for i, x := range s {
			if x < 0 {
				x *= slope
			}
			d[i] = x
		}
	})
	return out
}
