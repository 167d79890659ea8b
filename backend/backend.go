package backend

// Tensor is an opaque handle to a tensor owned by a backend. Shape returns
// the dimensions (row-major, last axis fastest); callers must not modify it.
type Tensor interface {
	Shape() []int
	DType() DType
}

// Backend owns persistent tensors and creates contexts.
type Backend interface {
	// Name is the registry name ("cpu", "cuda").
	Name() string
	// Device describes the hardware in words, for logs and benchmarks.
	Device() string
	// NewContext returns a context for temporaries.
	NewContext() Context
	// FromFloat32 copies data into a new persistent F32 tensor.
	FromFloat32(data []float32, shape ...int) (Tensor, error)
	// FromRaw makes a persistent tensor of dtype dt from little-endian
	// storage. The backend may alias raw (memory-mapped weights), so raw
	// must stay valid and unchanged for the tensor's lifetime.
	FromRaw(dt DType, raw []byte, shape ...int) (Tensor, error)
	// Float32 copies t's values to host memory, converted to float32.
	Float32(t Tensor) []float32
	// Close releases the backend's resources.
	Close() error
}

// Context creates temporaries. Every op returns a new tensor that stays
// valid until Reset; inputs are never modified. A Context is not safe for
// concurrent use (a backend parallelises inside each op).
type Context interface {
	Backend() Backend
	// Reset releases every temporary made since the last Reset; the memory
	// is reused by later ops, so a loop of equal steps allocates once.
	Reset()

	// Zeros returns an F32 tensor of zeros.
	Zeros(shape ...int) Tensor
	// Constant copies host data into an F32 temporary.
	Constant(data []float32, shape ...int) Tensor
	// Cast converts a to dtype dt (round to nearest even).
	Cast(a Tensor, dt DType) Tensor

	// Binary applies op elementwise with NumPy broadcasting.
	Binary(op BinaryOp, a, b Tensor) Tensor
	// Unary applies op elementwise.
	Unary(op UnaryOp, a Tensor) Tensor
	// Affine returns a*scale + shift.
	Affine(a Tensor, scale, shift float32) Tensor
	// LeakyReLU returns max(a, 0) + slope*min(a, 0).
	LeakyReLU(a Tensor, slope float32) Tensor

	// Reduce reduces a along axis (negative counts from the end).
	Reduce(op ReduceOp, a Tensor, axis int, keepDim bool) Tensor
	// Softmax normalises exp(a) along axis, subtracting the max first.
	Softmax(a Tensor, axis int) Tensor

	// MatMul multiplies the last two axes: a is [..., M, K] ([..., K, M]
	// when transA) and b is [..., K, N] ([..., N, K] when transB); the
	// leading (batch) axes broadcast. The result is [..., M, N], F32.
	// b may be F16 or BF16 (weights); a is converted as needed.
	MatMul(a, b Tensor, transA, transB bool) Tensor

	// Reshape returns a with a new shape of the same size; one -1 is inferred.
	Reshape(a Tensor, shape ...int) Tensor
	// Permute reorders the axes: out.shape[i] = a.shape[axes[i]].
	Permute(a Tensor, axes ...int) Tensor
	// Slice keeps indices [start, end) of axis (negative axis counts from the end).
	Slice(a Tensor, axis, start, end int) Tensor
	// Concat joins tensors of equal shape except along axis.
	Concat(axis int, ts ...Tensor) Tensor
	// Pad adds before[i] and after[i] elements to axis i, filled as mode says
	// (value is used by PadConstant).
	Pad(a Tensor, before, after []int, mode PadMode, value float32) Tensor
	// Embedding gathers rows of table [V, D] into [len(ids), D].
	Embedding(table Tensor, ids []int) Tensor

	// Conv is an N-d convolution (N = len(w.shape)-2 = 1, 2 or 3) of
	// x [B, Cin, *spatial] with w [Cout, Cin/groups, *kernel] and optional
	// bias [Cout] (nil for none).
	Conv(x, w, bias Tensor, p ConvParams) Tensor
	// ConvTranspose1d is the transposed 1-d convolution of x [B, Cin, L]
	// with w [Cin, Cout/groups, K] and optional bias [Cout], as in PyTorch.
	ConvTranspose1d(x, w, bias Tensor, p ConvTransposeParams) Tensor
	// UpsampleNearest repeats each element of the trailing len(scale) axes
	// scale[i] times.
	UpsampleNearest(x Tensor, scale ...int) Tensor
}

// BinaryOp is an elementwise binary operation.
type BinaryOp uint8

// Binary operations.
const (
	Add BinaryOp = iota
	Sub
	Mul
	Div
	Maximum
	Minimum
)

// UnaryOp is an elementwise unary operation.
type UnaryOp uint8

// Unary operations.
const (
	Neg      UnaryOp = iota
	Abs              // |x|
	Exp              // e^x
	Log              // natural log
	Sqrt             // √x
	Rsqrt            // 1/√x
	Square           // x²
	Recip            // 1/x
	Sin              // sin x
	Cos              // cos x
	Tanh             // tanh x
	Sigmoid          // 1/(1+e^-x)
	ReLU             // max(x, 0)
	SiLU             // x·sigmoid(x)
	GELU             // x/2·(1+erf(x/√2))
	GELUTanh         // x/2·(1+tanh(√(2/π)(x+0.044715x³)))
)

// ReduceOp is a reduction.
type ReduceOp uint8

// Reductions.
const (
	Sum ReduceOp = iota
	Mean
	Max
	Min
)

// PadMode says how padding is filled.
type PadMode uint8

// Padding modes.
const (
	PadConstant  PadMode = iota // the given value
	PadReplicate                // the nearest edge element
	PadReflect                  // mirrored, edge not repeated (PyTorch "reflect")
)

// ConvParams configures Conv. Nil slices mean stride 1, dilation 1 and no
// padding on every spatial axis; Groups 0 means 1. Padding is given per
// side, so causal (left-only) padding is PadBefore = (k-1)·dilation,
// PadAfter = 0, with PadMode PadConstant (zeros) or PadReplicate.
type ConvParams struct {
	Stride    []int
	Dilation  []int
	PadBefore []int
	PadAfter  []int
	PadMode   PadMode // PadConstant pads with zeros
	Groups    int
}

// ConvTransposeParams configures ConvTranspose1d with PyTorch's meaning.
// Zero Stride and Dilation mean 1; Groups 0 means 1.
type ConvTransposeParams struct {
	Stride        int
	Padding       int
	OutputPadding int
	Dilation      int
	Groups        int
}
