package kernels

import (
	"fmt"
	"math/rand/v2"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/internal/half"
)

// GEMMShape is one product C[M, N] = X[M, K]·Wᵀ with W [N, K] a weight
// matrix (the layout of a Linear layer).
type GEMMShape struct {
	M, N, K int
	Note    string // where the shape comes from
}

func (s GEMMShape) String() string { return fmt.Sprintf("%dx%dx%d", s.M, s.N, s.K) }

// GEMMShapes are the products `bench kernels` times:
//   - 1024³ and 2048³, the reference points;
//   - the demo DiT (dim 192, ffn 768) at its default 165 tokens (112 video +
//     53 audio) and at 1024 tokens: q/k/v/o [192→192], fused-qkv width 576,
//     FFN up [192→768] and down [768→192];
//   - LTX-Video-class widths (dim 2048, ffn 8192) at 1024 tokens:
//     projection [2048→2048], FFN up [2048→8192] and down [8192→2048]
//     (4096 tokens would be 4× each and is left out to keep a run short).
var GEMMShapes = []GEMMShape{
	{1024, 1024, 1024, "square"},
	{2048, 2048, 2048, "square"},
	{165, 192, 192, "demo q/k/v/o, 165 tokens"},
	{165, 576, 192, "demo fused qkv width, 165 tokens"},
	{165, 768, 192, "demo FFN up, 165 tokens"},
	{165, 192, 768, "demo FFN down, 165 tokens"},
	{1024, 192, 192, "demo q/k/v/o, 1024 tokens"},
	{1024, 576, 192, "demo fused qkv width, 1024 tokens"},
	{1024, 768, 192, "demo FFN up, 1024 tokens"},
	{1024, 192, 768, "demo FFN down, 1024 tokens"},
	{1024, 2048, 2048, "LTX-class projection, 1024 tokens"},
	{1024, 8192, 2048, "LTX-class FFN up, 1024 tokens"},
	{1024, 2048, 8192, "LTX-class FFN down, 1024 tokens"},
}

// GEMM variants (Record.Name).
const (
	GEMMF32   = "gemm_f32"   // W float32
	GEMMBF16W = "gemm_bf16w" // W bfloat16, widened to float32 while packing (exact float32 products)
	GEMMBF16  = "gemm_bf16"  // W bfloat16 with Options.BF16Compute: X rounded to bf16, VDPBF16PS
)

// GEMM times X·Wᵀ for every shape and variant on threads goroutines.
func GEMM(shapes []GEMMShape, variants []string, threads int, t Timing) ([]Record, error) {
	var recs []Record
	for _, s := range shapes {
		rng := rand.New(rand.NewPCG(uint64(s.M), uint64(s.N*s.K)))
		x := randn(rng, s.M*s.K, 1)
		w := randn(rng, s.N*s.K, 1)
		for _, v := range variants {
			be := cpu.NewWithOptions(cpu.Options{Threads: threads, BF16Compute: v == GEMMBF16})
			xt, err := be.FromFloat32(x, s.M, s.K)
			if err != nil {
				return nil, err
			}
			var wt backend.Tensor
			switch v {
			case GEMMF32:
				wt, err = be.FromFloat32(w, s.N, s.K)
			case GEMMBF16W, GEMMBF16:
				raw := make([]byte, 2*len(w))
				half.F32ToBF16(raw, w)
				wt, err = be.FromRaw(backend.BF16, raw, s.N, s.K)
			default:
				return nil, fmt.Errorf("gemm: unknown variant %q (want %s, %s or %s)", v, GEMMF32, GEMMBF16W, GEMMBF16)
			}
			if err != nil {
				return nil, err
			}
			ctx := be.NewContext()
			med, fast, runs := measure(t, func() {
				ctx.MatMul(xt, wt, false, true)
				ctx.Reset()
			})
			flops := 2 * float64(s.M) * float64(s.N) * float64(s.K)
			recs = append(recs, Record{Name: v, Shape: s.String(), Threads: threads, MedianMS: med, MinMS: fast, Runs: runs,
				GFLOPS: flops / med / 1e6, Note: s.Note})
		}
	}
	return recs, nil
}

// randn returns n normal values of standard deviation sd.
func randn(rng *rand.Rand, n int, sd float64) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64() * sd)
	}
	return v
}
