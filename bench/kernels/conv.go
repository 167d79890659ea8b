package kernels

import (
	"fmt"
	"math/rand/v2"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
)

// ConvShape is a 3×3×3 causal convolution of x [1, Cin, F, H, W] to Cout
// channels (time padded 2 before, space 1 on each side, stride 1).
type ConvShape struct {
	Name      string
	Cin, Cout int
	F, H, W   int
	Note      string
}

// ConvShapes: the demo video decoder's largest convolution at the default
// clip (latent 16×7×8×8): up.1.conv, 64 → 256 channels (8·32, before
// depth-to-space) on 13×16×16, 2.9 GFLOP; and the 32-channel ResBlock
// convolution at the pixel end, 25×32×32.
var ConvShapes = []ConvShape{
	{"conv3d_vae_up1", 64, 256, 13, 16, 16, "video decoder up.1.conv (largest)"},
	{"conv3d_vae_res0", 32, 32, 25, 32, 32, "video decoder up.1.res conv (pixel end)"},
}

func (s ConvShape) shape() string {
	return fmt.Sprintf("%dx%d_%dx%dx%d", s.Cin, s.Cout, s.F, s.H, s.W)
}

// Conv3d times the backend's convolution with float32 weights and bias.
func Conv3d(shapes []ConvShape, threads int, t Timing) ([]Record, error) {
	var recs []Record
	for _, s := range shapes {
		be := cpu.New(threads)
		rng := rand.New(rand.NewPCG(uint64(s.Cin), uint64(s.Cout)))
		x, err := be.FromFloat32(randn(rng, s.Cin*s.F*s.H*s.W, 1), 1, s.Cin, s.F, s.H, s.W)
		if err != nil {
			return nil, err
		}
		w, err := be.FromFloat32(randn(rng, s.Cout*s.Cin*27, 0.05), s.Cout, s.Cin, 3, 3, 3)
		if err != nil {
			return nil, err
		}
		bias, err := be.FromFloat32(randn(rng, s.Cout, 0.02), s.Cout)
		if err != nil {
			return nil, err
		}
		p := backend.ConvParams{PadBefore: []int{2, 1, 1}, PadAfter: []int{0, 1, 1}}
		ctx := be.NewContext()
		med, fast, runs := measure(t, func() {
			ctx.Conv(x, w, bias, p)
			ctx.Reset()
		})
		flops := 2 * float64(s.Cout*s.Cin*27) * float64(s.F*s.H*s.W)
		recs = append(recs, Record{Name: s.Name, Shape: s.shape(), Threads: threads, MedianMS: med, MinMS: fast, Runs: runs,
			GFLOPS: flops / med / 1e6, Note: s.Note})
	}
	return recs, nil
}
