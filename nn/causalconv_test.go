package nn

import (
	"fmt"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/tensortest"
)

// streamer is a causal convolution with Forward and a chunked Stream.
type streamer interface {
	Forward(backend.Context, backend.Tensor) backend.Tensor
	Stream(backend.Context, backend.Tensor) backend.Tensor
	ResetStream()
}

// streamed feeds x to s in time chunks of the given sizes (resetting the
// context between chunks, as a decoder does) and returns the outputs joined
// along time on the host for an output of shape wantShape [B, C, T, ...].
func streamed(t *testing.T, b backend.Backend, s streamer, x backend.Tensor, chunks []int, wantShape []int) []float32 {
	t.Helper()
	s.ResetStream()
	ctx := b.NewContext()
	var parts [][]float32
	frames, start := 0, 0
	for _, n := range chunks {
		y := s.Stream(ctx, ctx.Slice(x, 2, start, start+n))
		start += n
		if y != nil {
			frames += y.Shape()[2]
			parts = append(parts, b.Float32(y))
		}
		ctx.Reset()
	}
	if frames != wantShape[2] {
		t.Fatalf("chunks %v: %d output frames, want %d", chunks, frames, wantShape[2])
	}
	bc := wantShape[0] * wantShape[1]
	out := make([]float32, 0, backend.NumElements(wantShape))
	for i := range bc {
		for _, p := range parts {
			n := len(p) / bc
			out = append(out, p[i*n:(i+1)*n]...)
		}
	}
	return out
}

func TestCausalConv(t *testing.T) {
	f, b, ctx := fixture(t)
	c3 := &CausalConv3d{Padding: [2]int{1, 1}, TimePadMode: backend.PadReplicate}
	bind(t, f, b, c3, "causal3d.")
	c3z := &CausalConv3d{Padding: [2]int{1, 1}, Dilation: [3]int{2, 1, 1}}
	bind(t, f, b, c3z, "causal3d_zeros.")
	c1 := &CausalConv1d{Dilation: 2}
	bind(t, f, b, c1, "causal1d.")
	c3s := &CausalConv3d{Padding: [2]int{1, 1}, Stride: [3]int{2, 1, 1}, TimePadMode: backend.PadReplicate}
	bind(t, f, b, c3s, "causal3d.")
	c1s := &CausalConv1d{Dilation: 2, Stride: 3, PadMode: backend.PadReplicate}
	bind(t, f, b, c1s, "causal1d.")

	for _, tc := range []struct {
		name   string
		s      streamer
		prefix string
		golden bool
		chunks [][]int
	}{
		{"3d_replicate", c3, "causal3d", true, [][]int{{1, 1, 1, 1, 1, 1, 1}, {3, 4}, {2, 5}, {7}}},
		{"3d_zeros_dilated", c3z, "causal3d_zeros", true, [][]int{{1, 2, 3}, {4, 2}, {1, 1, 1, 1, 1, 1}}},
		{"1d_zeros_dilated", c1, "causal1d", true, [][]int{{1, 12}, {5, 5, 3}, {2, 2, 2, 2, 2, 2, 1}}},
		{"3d_time_stride2", c3s, "causal3d", false, [][]int{{1, 1, 1, 1, 1, 1, 1}, {2, 3, 2}, {4, 3}}},
		{"1d_stride3_replicate", c1s, "causal1d", false, [][]int{{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {4, 4, 5}, {2, 9, 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := tensortest.Tensor(t, f, b, tc.prefix+".x")
			if tc.golden {
				check(t, f, b, tc.s.Forward(ctx, x), tc.prefix+".y", f32Tol)
			}
			y := tc.s.Forward(ctx, x)
			want := b.Float32(y)
			for _, chunks := range tc.chunks {
				got := streamed(t, b, tc.s, x, chunks, y.Shape())
				// Chunking changes no arithmetic: the same input window
				// reaches every output, so results must be bit-identical.
				same(t, fmt.Sprintf("chunks %v", chunks), got, want, 0)
			}
		})
	}
}
