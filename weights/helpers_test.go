package weights

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// fakeTensor records what Bind handed to the backend, so these tests do not
// depend on any real backend.
type fakeTensor struct {
	shape []int
	dtype backend.DType
	raw   []byte
}

func (t *fakeTensor) Shape() []int         { return t.shape }
func (t *fakeTensor) DType() backend.DType { return t.dtype }

// fakeBackend implements only what the weights package uses.
type fakeBackend struct{}

func (fakeBackend) Name() string                     { return "fake" }
func (fakeBackend) Device() string                   { return "none" }
func (fakeBackend) NewContext() backend.Context      { return nil }
func (fakeBackend) Float32(backend.Tensor) []float32 { return nil }
func (fakeBackend) Close() error                     { return nil }
func (fakeBackend) FromFloat32(data []float32, shape ...int) (backend.Tensor, error) {
	return nil, fmt.Errorf("fake: FromFloat32 not supported")
}
func (fakeBackend) FromRaw(dt backend.DType, raw []byte, shape ...int) (backend.Tensor, error) {
	if len(raw) != backend.NumElements(shape)*dt.Size() {
		return nil, fmt.Errorf("fake: %d bytes for %v %v", len(raw), dt, shape)
	}
	return &fakeTensor{shape: slices.Clone(shape), dtype: dt, raw: raw}, nil
}

// encode writes tensors and metadata with Write.
func encode(t testing.TB, tensors []Named, md map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, tensors, md); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// seq returns n float32 values 0.5, 1.5, ... with alternating sign.
func seq(n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		v := float32(i) + 0.5
		if i%2 == 1 {
			v = -v
		}
		out[i] = v
	}
	return out
}

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o644) }
