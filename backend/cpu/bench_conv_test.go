package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// benchConvShapes are the demo VAE decoders' convolutions (time padding
// already applied by the causal layers, as in vae): video ResBlock, output
// and up-sampling convs on 32×32, 16×16 and 8×8 planes, and the audio
// decoder's dilated k7, pointwise and up-sampling convs.
var benchConvShapes = []struct {
	name string
	x, w []int
	p    backend.ConvParams
}{
	{"video_res32_25x32x32", []int{1, 32, 27, 32, 32}, []int{32, 32, 3, 3, 3}, convPad3(0, 1)},
	{"video_out12_25x32x32", []int{1, 32, 27, 32, 32}, []int{12, 32, 3, 3, 3}, convPad3(0, 1)},
	{"video_res64_13x16x16", []int{1, 64, 15, 16, 16}, []int{64, 64, 3, 3, 3}, convPad3(0, 1)},
	{"video_up256_13x16x16", []int{1, 64, 15, 16, 16}, []int{256, 64, 3, 3, 3}, convPad3(0, 1)},
	{"video_res128_7x8x8", []int{1, 128, 9, 8, 8}, []int{128, 128, 3, 3, 3}, convPad3(0, 1)},
	{"video_up512_7x8x8", []int{1, 128, 9, 8, 8}, []int{512, 128, 3, 3, 3}, convPad3(0, 1)},
	{"video_causal64_4x32x32", []int{1, 64, 4, 32, 32}, []int{64, 64, 3, 3, 3},
		backend.ConvParams{PadBefore: []int{2, 1, 1}, PadAfter: []int{0, 1, 1}, PadMode: backend.PadReplicate}},
	{"audio_res32_k7d3_4240", []int{1, 32, 4258}, []int{32, 32, 7}, backend.ConvParams{Dilation: []int{3}}},
	{"audio_pw32_4240", []int{1, 32, 4240}, []int{32, 32, 1}, backend.ConvParams{}},
	{"audio_out8_k7_4240", []int{1, 32, 4246}, []int{8, 32, 7}, backend.ConvParams{}},
	{"audio_res64_k7d3_1060", []int{1, 64, 1078}, []int{64, 64, 7}, backend.ConvParams{Dilation: []int{3}}},
	{"audio_up128_k3_1060", []int{1, 64, 1062}, []int{128, 64, 3}, backend.ConvParams{}},
}

// convPad3 pads no time steps (the causal layer did) and pad on both sides
// of H and W.
func convPad3(t, pad int) backend.ConvParams {
	return backend.ConvParams{PadBefore: []int{t, pad, pad}, PadAfter: []int{0, pad, pad}}
}

// BenchmarkConv times the VAE decoders' convolution shapes on the
// im2col path and on the direct path (where the shape takes it), with
// float32 weights and (direct_f16w) with f16 weights as the checkpoints
// store them, on 1 and 2 threads, and reports GFLOP/s (2·Cout·Cin·kvol
// flops per output position) and CPU milliseconds per op (steadier than
// wall time on a busy machine).
func BenchmarkConv(b *testing.B) {
	for _, s := range benchConvShapes {
		for _, path := range []string{"im2col", "direct", "direct_f16w"} {
			for _, threads := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%s/threads=%d", s.name, path, threads), func(b *testing.B) {
					saved := convTile
					defer func() { convTile = saved }()
					if path == "im2col" {
						convTile = nil
					}
					rng := rand.New(rand.NewPCG(1, 2))
					be := New(threads)
					c := be.newContext()
					x, _ := be.FromFloat32(spRand(rng, backend.NumElements(s.x)), s.x...)
					w, _ := be.FromFloat32(spRand(rng, backend.NumElements(s.w)), s.w...)
					if path == "direct_f16w" {
						w = c.Cast(w, backend.F16)
					}
					bias, _ := be.FromFloat32(spRand(rng, s.w[0]), s.w[0])
					if path != "im2col" && newConvDirect(newConvGeom(x, w, bias, s.p)) == nil {
						b.Skip("shape takes the im2col path")
					}
					y := c.Conv(x, w, bias, s.p)
					c.Reset()
					b.ReportAllocs()
					b.ResetTimer()
					cpu0 := convBenchCPUTime()
					for range b.N {
						c.Conv(x, w, bias, s.p)
						c.Reset()
					}
					b.ReportMetric(float64(convBenchCPUTime()-cpu0)/1e6/float64(b.N), "cpu_ms/op")
					flops := 2 * float64(backend.NumElements(y.Shape())*backend.NumElements(s.w[1:]))
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}
