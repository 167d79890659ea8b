package backend_test

import (
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// hostOnly is a backend with nothing but Float32 (the rest panics): it
// takes backend.Float32Into's fallback path.
type hostOnly struct {
	backend.Backend
	vals  []float32
	calls int
}

func (h *hostOnly) Float32(backend.Tensor) []float32 {
	h.calls++
	return append([]float32(nil), h.vals...)
}

type fakeTensor struct{ n int }

func (t fakeTensor) Shape() []int         { return []int{t.n} }
func (t fakeTensor) DType() backend.DType { return backend.F32 }

// TestFloat32IntoFallback checks the fallback for backends without
// HostCopier: the values are copied into dst when it is large enough and
// returned in a new slice when it is not.
func TestFloat32IntoFallback(t *testing.T) {
	h := &hostOnly{vals: []float32{1, 2, 3}}
	for _, tc := range []struct {
		name  string
		dst   []float32
		reuse bool
	}{
		{"nil", nil, false},
		{"short", make([]float32, 2), false},
		{"exact", make([]float32, 3), true},
		{"larger capacity", make([]float32, 1, 8), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := backend.Float32Into(h, tc.dst, fakeTensor{3})
			if len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
				t.Fatalf("got %v, want [1 2 3]", got)
			}
			if reused := cap(tc.dst) > 0 && &got[:1][0] == &tc.dst[:1][0]; reused != tc.reuse {
				t.Errorf("reused dst = %v, want %v", reused, tc.reuse)
			}
		})
	}
}
