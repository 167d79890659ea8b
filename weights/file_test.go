package weights

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

func TestRoundTripOpen(t *testing.T) {
	a := seq(6)
	b := []float32{1, -2, 0.5, 65504, 1e-7, -0}
	c := []float32{3.140625, -1e30, 2, 0}
	var w Writer
	w.AddF32("a", []int{2, 3}, a)
	w.Add(NamedF16("b", []int{6}, b), NamedBF16("c", []int{2, 2}, c))
	w.Add(NamedF32("scalar", nil, []float32{7}), NamedF32("empty", []int{0, 4}, nil))
	w.SetMetadata("config", `{"hidden":64,"layers":[1,2]}`)
	w.SetMetadata("format", "pt")
	path := filepath.Join(t.TempDir(), "x.safetensors")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.unmap == nil {
		t.Log("mmap unavailable here; Open read the file")
	}
	st, _ := os.Stat(path)
	if f.Size() != st.Size() {
		t.Errorf("Size %d, file is %d bytes", f.Size(), st.Size())
	}
	if got, want := f.Names(), []string{"a", "b", "c", "empty", "scalar"}; !slices.Equal(got, want) {
		t.Errorf("Names %v, want %v", got, want)
	}
	if md := f.Metadata(); md["format"] != "pt" || md["config"] != `{"hidden":64,"layers":[1,2]}` || len(md) != 2 {
		t.Errorf("Metadata %v", md)
	}
	wantB := make([]float32, len(b))
	raw := make([]byte, 2*len(b))
	half.F32ToF16(raw, b)
	half.F16ToF32(wantB, raw)
	wantC := make([]float32, len(c))
	raw = make([]byte, 2*len(c))
	half.F32ToBF16(raw, c)
	half.BF16ToF32(wantC, raw)
	for _, tc := range []struct {
		name  string
		dt    backend.DType
		shape []int
		want  []float32
	}{
		{"a", backend.F32, []int{2, 3}, a},
		{"b", backend.F16, []int{6}, wantB},
		{"c", backend.BF16, []int{2, 2}, wantC},
		{"scalar", backend.F32, []int{}, []float32{7}},
		{"empty", backend.F32, []int{0, 4}, []float32{}},
	} {
		got, shape, err := f.Float32(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(shape, tc.shape) || !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v %v, want %v %v", tc.name, shape, got, tc.shape, tc.want)
		}
		info, ok := f.Info(tc.name)
		if !ok || info.DType != tc.dt || !slices.Equal(info.Shape, tc.shape) || info.End-info.Begin != int64(len(tc.want)*tc.dt.Size()) {
			t.Errorf("%s: Info %+v", tc.name, info)
		}
		r, err := f.Raw(tc.name)
		if err != nil || len(r) != len(tc.want)*tc.dt.Size() {
			t.Errorf("%s: Raw %d bytes, %v", tc.name, len(r), err)
		}
	}
	bt, err := f.Tensor(fakeBackend{}, "c")
	if err != nil || !slices.Equal(bt.Shape(), []int{2, 2}) || bt.DType() != backend.BF16 {
		t.Errorf("Tensor: %v %v", bt, err)
	}
	if _, _, err := f.Float32("nope"); err == nil {
		t.Error("Float32 of a missing tensor: no error")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := f.Raw("a"); err == nil {
		t.Error("Raw after Close: no error")
	}
}

// The file written by Write parses to the same bytes with Parse, and the
// header is padded to a multiple of 8 as the reference writer does.
func TestWriteLayout(t *testing.T) {
	data := encode(t, []Named{NamedF32("w", []int{3}, []float32{1, 2, 3})}, nil)
	n := int(data[0]) | int(data[1])<<8
	if n%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", n)
	}
	f, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := f.Float32("w"); !slices.Equal(got, []float32{1, 2, 3}) {
		t.Errorf("got %v", got)
	}
}

func TestWriteRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		ts   []Named
	}{
		{"duplicate", []Named{NamedF32("x", []int{1}, []float32{1}), NamedF32("x", []int{1}, []float32{2})}},
		{"reserved", []Named{NamedF32(metadataKey, []int{1}, []float32{1})}},
		{"bytes", []Named{{Name: "x", DType: backend.F32, Shape: []int{2}, Data: make([]byte, 4)}}},
		{"negative", []Named{{Name: "x", DType: backend.F32, Shape: []int{-1}, Data: nil}}},
		{"dtype", []Named{{Name: "x", DType: 9, Shape: []int{1}, Data: make([]byte, 4)}}},
	} {
		var w Writer
		w.Add(tc.ts...)
		if _, err := w.WriteTo(new(discard)); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

type discard struct{}

func (*discard) Write(p []byte) (int, error) { return len(p), nil }

func TestOpenMissingFile(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "none.safetensors")); err == nil {
		t.Error("no error")
	}
}

// testdata/torch.safetensors was written by train/stio.py from PyTorch
// (an independent writer): a = arange(6)*0.5-1 as [2,3] F32, b.weight =
// arange(4)*0.25 as F16, c = [1,-2,0.5,3] as BF16 [2,1,2], d = 7 (float64
// stored as F32 by stio.py).
func TestReadTorchFile(t *testing.T) {
	f, err := Open("testdata/torch.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		name  string
		dt    backend.DType
		shape []int
		want  []float32
	}{
		{"a", backend.F32, []int{2, 3}, []float32{-1, -0.5, 0, 0.5, 1, 1.5}},
		{"b.weight", backend.F16, []int{4}, []float32{0, 0.25, 0.5, 0.75}},
		{"c", backend.BF16, []int{2, 1, 2}, []float32{1, -2, 0.5, 3}},
		{"d", backend.F32, []int{}, []float32{7}},
	} {
		got, shape, err := f.Float32(tc.name)
		info, _ := f.Info(tc.name)
		if err != nil || info.DType != tc.dt || !slices.Equal(shape, tc.shape) || !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v %v %v (%v), want %v %v %v", tc.name, info.DType, shape, got, err, tc.dt, tc.shape, tc.want)
		}
	}
	if md := f.Metadata(); md["config"] != `{"hidden": 3}` || md["made_by"] != "train/stio.py" {
		t.Errorf("metadata %v", md)
	}
}
