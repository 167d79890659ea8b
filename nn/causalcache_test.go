package nn

import (
	"slices"
	"testing"

	"github.com/lockstep-av/lockstep/internal/tensortest"
)

// TestCausalCacheReusesHostBuffer streams equal chunks through a causal
// convolution and checks that the cache keeps one host buffer (no host
// allocation per chunk once warm), that the in-place update leaves the
// output bit-identical to Forward, and that a copy of a cache in use,
// once Reset, streams into buffers of its own.
func TestCausalCacheReusesHostBuffer(t *testing.T) {
	f, b, _ := fixture(t)
	c := &CausalConv1d{Dilation: 2}
	bind(t, f, b, c, "causal1d.")
	x := tensortest.Tensor(t, f, b, "causal1d.x")
	T := x.Shape()[2]
	ctx := b.NewContext()
	want := b.Float32(c.Forward(ctx, x))
	ctx.Reset()

	const chunk = 2
	c.ResetStream()
	var first *float32
	var parts [][]float32
	for start := 0; start+chunk <= T; start += chunk {
		y := c.Stream(ctx, ctx.Slice(x, 2, start, start+chunk))
		parts = append(parts, b.Float32(y))
		ctx.Reset()
		if len(c.Cache.tail) == 0 {
			t.Fatalf("chunk at %d: empty cache", start)
		}
		if start == 0 {
			first = &c.Cache.tail[0]
		} else if &c.Cache.tail[0] != first {
			t.Errorf("chunk at %d: the cache moved to a new host buffer", start)
		}
	}
	// Compare the streamed prefix with Forward's, channel by channel.
	shape := slices.Clone(c.Forward(ctx, x).Shape())
	ctx.Reset()
	n := len(parts) * chunk
	bc := shape[0] * shape[1]
	for i := range bc {
		var got []float32
		for _, p := range parts {
			got = append(got, p[i*chunk:(i+1)*chunk]...)
		}
		same(t, "streamed row", got, want[i*shape[2]:i*shape[2]+n], 0)
	}

	// A copy shares the buffers until it is Reset.
	d := *c
	d.ResetStream()
	kept := slices.Clone(c.Cache.tail)
	d.Stream(ctx, ctx.Slice(x, 2, 0, chunk))
	ctx.Reset()
	if !slices.Equal(c.Cache.tail, kept) {
		t.Error("streaming into a Reset copy changed the original cache")
	}
}
