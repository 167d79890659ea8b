package vae

import (
	"fmt"
	"testing"

	"github.com/lockstep-av/lockstep/backend/cpu"
)

// TestThreadDeterminism decodes the same latents (default-config widths,
// random weights) with 1, 2 and 3 threads: results must be bit-identical.
func TestThreadDeterminism(t *testing.T) {
	var refV, refA []float32
	for _, threads := range []int{1, 2, 3} {
		b := cpu.New(threads)
		m := randomModel(t, b, defaultConfig(), 4)
		zv, za := randomLatents(t, b, m, 2, 4, 4, 3, 4)
		ctx := b.NewContext()
		v := b.Float32(m.Video.Decoder.Decode(ctx, zv))
		a := b.Float32(m.Audio.Decoder.Decode(ctx, za))
		if refV == nil {
			refV, refA = v, a
			continue
		}
		compare(t, fmt.Sprintf("video, %d threads vs 1", threads), v, refV, tol{})
		compare(t, fmt.Sprintf("audio, %d threads vs 1", threads), a, refA, tol{})
	}
}

// TestChunkedDefaultConfig streams latents in uneven chunks through
// decoders of the default widths (random weights) and requires the
// concatenated output to equal whole-clip decoding.
func TestChunkedDefaultConfig(t *testing.T) {
	b := cpu.New(0)
	m := randomModel(t, b, defaultConfig(), 5)
	zv, za := randomLatents(t, b, m, 5, 4, 4, 9, 5)
	ctx := b.NewContext()
	wv := m.Video.Decoder.Decode(ctx, zv)
	wantV := frameMajor(b.Float32(wv), wv.Shape())
	wantA := b.Float32(m.Audio.Decoder.Decode(ctx, za))
	for _, sizes := range [][]int{{1, 1, 1, 1, 1}, {2, 3}, {1, 4}} {
		vs := m.Video.Decoder.NewStream()
		var got []float32
		at := 0
		for _, n := range sizes {
			ctx.Reset()
			y := vs.Feed(ctx, ctx.Slice(zv, 2, at, at+n))
			got = appendFrames(got, b.Float32(y), y.Shape())
			at += n
		}
		compare(t, fmt.Sprintf("video chunks %v", sizes), got, wantV, tol{})
	}
	for _, sizes := range [][]int{{1, 1, 1, 1, 1, 1, 1, 1, 1}, {2, 3, 4}, {8, 1}} {
		as := m.Audio.Decoder.NewStream()
		var got []float32
		at := 0
		for _, n := range sizes {
			ctx.Reset()
			got = append(got, b.Float32(as.Feed(ctx, ctx.Slice(za, 2, at, at+n)))...)
			at += n
		}
		compare(t, fmt.Sprintf("audio chunks %v", sizes), got, wantA, tol{})
	}
}
