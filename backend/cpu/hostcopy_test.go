package cpu

import (
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

// TestFloat32Into checks Float32Into against Float32 for every dtype and
// that it writes into dst's storage when the capacity suffices and
// allocates nothing then.
func TestFloat32Into(t *testing.T) {
	b := New(1)
	vals := []float32{0, 1, -2.5, 0.333, 65504, -1e-3}
	f16, bf16 := make([]byte, 2*len(vals)), make([]byte, 2*len(vals))
	half.F32ToF16(f16, vals)
	half.F32ToBF16(bf16, vals)
	f32, _ := b.FromFloat32(vals, 2, 3)
	th, _ := b.FromRaw(backend.F16, f16, 2, 3)
	tb, _ := b.FromRaw(backend.BF16, bf16, 2, 3)
	for _, tc := range []struct {
		name string
		t    backend.Tensor
	}{{"f32", f32}, {"f16", th}, {"bf16", tb}} {
		t.Run(tc.name, func(t *testing.T) {
			want := b.Float32(tc.t)
			for _, dst := range [][]float32{nil, make([]float32, 2), make([]float32, 0, 6), make([]float32, 9)} {
				got := backend.Float32Into(b, dst, tc.t)
				if len(got) != len(want) {
					t.Fatalf("cap %d: len %d, want %d", cap(dst), len(got), len(want))
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("cap %d: [%d] = %g, want %g", cap(dst), i, got[i], want[i])
					}
				}
				if reused := cap(dst) >= len(want) && &got[0] == &dst[:1][0]; reused != (cap(dst) >= len(want)) {
					t.Errorf("cap %d: dst storage not reused", cap(dst))
				}
			}
			dst := make([]float32, 6)
			if n := testing.AllocsPerRun(10, func() { dst = b.Float32Into(dst, tc.t) }); n != 0 {
				t.Errorf("Float32Into into a large enough buffer allocates %v times", n)
			}
		})
	}
}

// TestContextArenaRecycles checks the arena: a loop of equal steps
// allocates no buffer after the first step, and a buffer length no step
// has asked for in maxIdleResets Resets is dropped from the free lists
// while lengths in use stay.
func TestContextArenaRecycles(t *testing.T) {
	c := New(1).newContext()
	step := func() {
		c.alloc(100)
		c.alloc(100)
		c.alloc(7)
		c.Reset()
	}
	c.alloc(5000) // a first step of another shape
	c.Reset()
	step()
	if n := testing.AllocsPerRun(5, step); n != 0 {
		t.Errorf("a warm step allocates %v times", n)
	}
	for range maxIdleResets {
		step()
	}
	if _, ok := c.free[5000]; ok {
		t.Errorf("buffers of an unused length still held after %d idle Resets", maxIdleResets+1)
	}
	if len(c.free[100]) != 2 || len(c.free[7]) != 1 {
		t.Errorf("free lists %d×100, %d×7; want 2 and 1", len(c.free[100]), len(c.free[7]))
	}
}
