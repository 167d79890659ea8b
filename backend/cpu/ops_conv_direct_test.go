package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

// directCases add shapes that exercise the direct path's corners: several
// k blocks, output channels not a multiple of convMR, tiles that span
// rows, dilation along W, groups, and every padding mode.
var directCases = []convCase{
	{name: "1d audio dil3 k7", x: []int{1, 8, 300}, w: []int{12, 8, 7}, bias: true, p: backend.ConvParams{Dilation: []int{3}, PadBefore: []int{18}, PadAfter: []int{0}}},
	{name: "1d two k blocks", x: []int{1, 80, 130}, w: []int{6, 80, 7}, bias: true},
	{name: "1d k2 long", x: []int{2, 16, 200}, w: []int{8, 16, 2}, bias: true},
	{name: "2d reflect dilw2", x: []int{1, 6, 11, 13}, w: []int{7, 6, 3, 3}, p: backend.ConvParams{Dilation: []int{1, 2}, PadBefore: []int{1, 2}, PadAfter: []int{1, 2}, PadMode: backend.PadReflect}},
	{name: "3d k blocks groups2 replicate", x: []int{2, 40, 4, 7, 9}, w: []int{10, 20, 3, 3, 3}, bias: true, p: backend.ConvParams{Groups: 2, PadBefore: []int{2, 1, 1}, PadAfter: []int{0, 1, 1}, PadMode: backend.PadReplicate}},
	{name: "2d zero pad 2+1 shared column", x: []int{2, 5, 9, 11}, w: []int{6, 5, 3, 3}, bias: true, p: backend.ConvParams{PadBefore: []int{1, 2}, PadAfter: []int{2, 1}}},
	{name: "2d zero pad 1+2 dil2", x: []int{1, 5, 9, 11}, w: []int{6, 5, 3, 3}, p: backend.ConvParams{Dilation: []int{1, 2}, PadBefore: []int{1, 1}, PadAfter: []int{1, 2}}},
	{name: "3d two sgemm k blocks", x: []int{1, 48, 3, 6, 6}, w: []int{6, 48, 3, 3, 3}, bias: true, p: backend.ConvParams{PadBefore: []int{0, 1, 1}, PadAfter: []int{0, 1, 1}}},
	{name: "3d f16 weights", x: []int{1, 16, 4, 9, 10}, w: []int{16, 16, 3, 3, 3}, bias: true, p: backend.ConvParams{PadBefore: []int{0, 1, 1}, PadAfter: []int{0, 1, 1}}, wdtype: backend.F16},
	{name: "3d bf16 weights tail panel", x: []int{1, 8, 3, 6, 7}, w: []int{6, 8, 3, 3, 3}, p: backend.ConvParams{PadBefore: []int{0, 1, 1}, PadAfter: []int{0, 1, 1}}, wdtype: backend.BF16},
	{name: "3d 16x16 mixed tile widths", x: []int{1, 8, 3, 16, 16}, w: []int{8, 8, 3, 3, 3}, bias: true, p: backend.ConvParams{PadBefore: []int{0, 1, 1}, PadAfter: []int{0, 1, 1}}},
	{name: "3d video 32ch", x: []int{1, 32, 4, 12, 10}, w: []int{32, 32, 3, 3, 3}, bias: true, p: backend.ConvParams{PadBefore: []int{0, 1, 1}, PadAfter: []int{0, 1, 1}}},
}

// withConvTile runs fn with the direct path on every eligible shape and
// the given tile kernel, restoring both afterwards.
func withConvTile(kern convTileFunc, fn func()) {
	saved, savedFill := convTile, convDirectMinFill
	defer func() { convTile, convDirectMinFill = saved, savedFill }()
	convTile, convDirectMinFill = kern, 0
	fn()
}

// convTileKernels are the tile kernels to test: the Go reference loop and
// the assembly kernel where this build and CPU have one.
func convTileKernels() map[string]convTileFunc {
	ks := map[string]convTileFunc{"go": convKernelGo}
	if convTile != nil {
		ks["asm"] = convTile
	}
	return ks
}

func TestConvDirectReference(t *testing.T) {
	for kname, kern := range convTileKernels() {
		for _, nr := range append([]int{0}, convWidths...) { // 0: chosen per shape
			kname := fmt.Sprintf("%s/nr=%d", kname, nr)
			testConvDirectReference(t, kname, kern, nr)
		}
	}
}

// testConvDirectReference runs the reference test with one tile kernel
// and width.
func testConvDirectReference(t *testing.T, kname string, kern convTileFunc, nr int) {
	saved := convDirectWidth
	defer func() { convDirectWidth = saved }()
	convDirectWidth = nr
	{
		withConvTile(kern, func() {
			direct := 0
			for i, tc := range append(append([]convCase{}, convCases...), directCases...) {
				name := kname + "/" + tc.name
				rng := rand.New(rand.NewPCG(uint64(i), 11))
				x := spRand(rng, backend.NumElements(tc.x))
				w := spRand(rng, backend.NumElements(tc.w))
				var bias []float32
				if tc.bias {
					bias = spRand(rng, tc.w[0])
				}
				c := New(1).newContext()
				if newConvDirect(newConvGeom(c.Zeros(tc.x...), c.Zeros(tc.w...), nil, tc.p)) == nil {
					continue
				}
				direct++
				got, shape, wUsed := runConv(3, tc, x, w, bias)
				want, wantShape := refConv(x, tc.x, wUsed, tc.w, bias, tc.p)
				if fmt.Sprint(shape) != fmt.Sprint(wantShape) {
					t.Fatalf("%s: shape %v, want %v", name, shape, wantShape)
				}
				spCheck(t, name, got, want, 1e-5, 1e-4)
				for _, th := range []int{1, 2, 5} {
					again, _, _ := runConv(th, tc, x, w, bias)
					spSame(t, fmt.Sprintf("%s threads=%d", name, th), got, again)
				}
			}
			if direct < len(directCases) {
				t.Errorf("%s: only %d cases took the direct path", kname, direct)
			}
		})
	}
}

// TestConvTileKernel checks each tile kernel against a float64 sum of its
// reference loop, with scattered step offsets and both store modes.
func TestConvTileKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const ldc = convNR + 5
	for kname, kern := range convTileKernels() {
		for _, nr := range convWidths {
			testConvTileKernel(t, rng, fmt.Sprintf("%s nr=%d", kname, nr), kern, nr, ldc)
		}
	}
}

// testConvTileKernel checks one tile kernel at width nr, with float32,
// f16 and bf16 weights.
func testConvTileKernel(t *testing.T, rng *rand.Rand, kname string, kern convTileFunc, nr, ldc int) {
	for _, dt := range []backend.DType{backend.F32, backend.F16, backend.BF16} {
		if dt != backend.F32 && !convTileHalf {
			continue
		}
		for _, kc := range []int{0, 1, 7, 64} {
			for _, add := range []bool{false, true} {
				lda := kc + 3
				af := spRand(rng, (convMR-1)*lda+kc)
				a := convRows{f32: af, dt: dt, lda: lda}
				if dt != backend.F32 {
					a = convRows{raw: make([]byte, 2*len(af)), dt: dt, lda: lda}
					if dt == backend.F16 {
						half.F32ToF16(a.raw, af)
						half.F16ToF32(af, a.raw)
					} else {
						half.F32ToBF16(a.raw, af)
						half.BF16ToF32(af, a.raw)
					}
				}
				b := spRand(rng, 1000)
				offs := make([]int, kc)
				for p := range offs {
					offs[p] = rng.IntN(len(b) - nr + 1)
				}
				c := spRand(rng, (convMR-1)*ldc+nr)
				var bias []float32
				if kc%2 == 1 {
					bias = spRand(rng, convMR)
				}
				want := make([]float64, len(c))
				for i := range want {
					want[i] = float64(c[i])
				}
				for i := range convMR {
					for j := range nr {
						var s float64
						for p := range kc {
							s += float64(af[i*lda+p]) * float64(b[offs[p]+j])
						}
						if add {
							s += float64(c[i*ldc+j])
						}
						if bias != nil {
							s += float64(bias[i])
						}
						want[i*ldc+j] = s
					}
				}
				kern(nr, kc, a, b, newConvSteps(offs), c, ldc, add, bias)
				spCheck(t, fmt.Sprintf("%s %v kc=%d add=%v", kname, dt, kc, add), c, want, 1e-5, 1e-5)
			}
		}
	}
}

// TestConvDirectMatchesIm2col checks that the assembly direct path gives
// the im2col path's bits on every shape it takes: both sum each element
// in sgemm's k blocks with fused multiply-adds and add the bias last, so a
// streaming decoder's short chunks (im2col) and long ones (direct) agree.
func TestConvDirectMatchesIm2col(t *testing.T) {
	kern := convTile
	if kern == nil {
		t.Skip("no assembly tile kernel on this CPU or build")
	}
	for i, tc := range append(append([]convCase{}, convCases...), directCases...) {
		rng := rand.New(rand.NewPCG(uint64(i), 13))
		x := spRand(rng, backend.NumElements(tc.x))
		w := spRand(rng, backend.NumElements(tc.w))
		var bias []float32
		if tc.bias {
			bias = spRand(rng, tc.w[0])
		}
		var im2col []float32
		withConvTile(nil, func() { im2col, _, _ = runConv(2, tc, x, w, bias) })
		for _, nr := range append([]int{0}, convWidths...) { // 0: chosen per shape
			var direct []float32
			convDirectWidth = nr
			withConvTile(kern, func() { direct, _, _ = runConv(2, tc, x, w, bias) })
			convDirectWidth = 0
			spSame(t, fmt.Sprintf("%s nr=%d", tc.name, nr), direct, im2col)
		}
	}
}
