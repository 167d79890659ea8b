package cpu

import (
	"fmt"
	"runtime"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

func init() {
	backend.Register("cpu", func(o backend.Options) (backend.Backend, error) {
		return New(o.Threads), nil
	})
}

// Backend is the CPU backend.
type Backend struct {
	threads     int
	bf16Compute bool
}

// Options configures NewWithOptions.
type Options struct {
	// Threads is the number of goroutines per op (<= 0 means
	// runtime.NumCPU()).
	Threads int
	// BF16Compute routes MatMul with a BF16 right operand (bf16 weights)
	// through bf16 dot products: the left operand is rounded to bfloat16
	// (nearest even) while packing and products are summed in float32,
	// like PyTorch's bf16 matmul. On CPUs with AVX512_BF16 this is about
	// twice as fast as widening the weights to float32; the price is an
	// error of about 2^-9 relative per product instead of float32
	// rounding. Off by default. Results stay bit-identical across thread
	// counts on a given CPU. The pure-Go GEMM (-tags noasm) ignores it.
	BF16Compute bool
}

// New returns a CPU backend using up to threads goroutines per op
// (<= 0 means runtime.NumCPU()).
func New(threads int) *Backend {
	return NewWithOptions(Options{Threads: threads})
}

// NewWithOptions returns a CPU backend configured by o.
func NewWithOptions(o Options) *Backend {
	threads := o.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	return &Backend{threads: threads, bf16Compute: o.BF16Compute}
}

// BF16Compute reports whether bf16-weight products use bf16 dot products
// (Options.BF16Compute).
func (b *Backend) BF16Compute() bool { return b.bf16Compute }

// Name returns "cpu".
func (b *Backend) Name() string { return "cpu" }

// Device describes the CPU.
func (b *Backend) Device() string {
	return fmt.Sprintf("%s/%s, %d threads", runtime.GOOS, runtime.GOARCH, b.threads)
}

// Threads is the number of worker goroutines per op.
func (b *Backend) Threads() int { return b.threads }

// NewContext returns a context with an empty arena.
func (b *Backend) NewContext() backend.Context { return b.newContext() }

func (b *Backend) newContext() *Context {
	return &Context{b: b, free: map[int][][]float32{}}
}

// FromFloat32 copies data into a persistent F32 tensor.
func (b *Backend) FromFloat32(data []float32, shape ...int) (backend.Tensor, error) {
	if n := backend.NumElements(shape); n != len(data) {
		return nil, fmt.Errorf("cpu: %d values for shape %v (%d elements)", len(data), shape, n)
	}
	if err := checkShape(shape); err != nil {
		return nil, err
	}
	return newF32(append([]float32(nil), data...), shape), nil
}

// FromRaw wraps little-endian storage; F16 and BF16 alias raw, F32 is
// copied (to guarantee alignment).
func (b *Backend) FromRaw(dt backend.DType, raw []byte, shape ...int) (backend.Tensor, error) {
	if err := checkShape(shape); err != nil {
		return nil, err
	}
	n := backend.NumElements(shape)
	switch dt {
	case backend.F32, backend.F16, backend.BF16:
	default:
		return nil, fmt.Errorf("cpu: unsupported dtype %v", dt)
	}
	if len(raw) != n*dt.Size() {
		return nil, fmt.Errorf("cpu: %d bytes for %v %v (want %d)", len(raw), dt, shape, n*dt.Size())
	}
	t := &Tensor{shape: append([]int(nil), shape...), dtype: dt}
	if dt == backend.F32 {
		t.data = make([]float32, n)
		widen(t.data, dt, raw)
		return t, nil
	}
	t.raw = raw
	return t, nil
}

// Float32 copies t's values out as float32.
func (b *Backend) Float32(t backend.Tensor) []float32 {
	ct := tensorOf("Float32", t)
	out := make([]float32, ct.Len())
	if ct.dtype == backend.F32 {
		copy(out, ct.data)
		return out
	}
	widen(out, ct.dtype, ct.raw)
	return out
}

// Close does nothing: memory belongs to the Go heap.
func (b *Backend) Close() error { return nil }

func checkShape(shape []int) error {
	for _, d := range shape {
		if d < 0 {
			return fmt.Errorf("cpu: negative dimension in shape %v", shape)
		}
	}
	return nil
}

// widen converts raw storage of dtype dt into dst.
func widen(dst []float32, dt backend.DType, raw []byte) {
	if len(dst) == 0 {
		return
	}
	switch dt {
	case backend.F32:
		for i := range dst {
			dst[i] = float32frombytes(raw[4*i:])
		}
	case backend.F16:
		half.F16ToF32(dst, raw)
	case backend.BF16:
		half.BF16ToF32(dst, raw)
	default:
		panic(fmt.Sprintf("cpu: invalid dtype %v", dt))
	}
}
