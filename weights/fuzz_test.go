package weights

import (
	"bytes"
	"os"
	"slices"
	"testing"
)

// FuzzParseHeader feeds arbitrary bytes to Parse. It must never panic; a
// file it accepts must give consistent tensors and survive a Write/Parse
// round trip unchanged.
func FuzzParseHeader(f *testing.F) {
	f.Add(encode(f, nil, nil))
	f.Add(encode(f, []Named{
		NamedF32("a", []int{2, 3}, seq(6)),
		NamedF16("b.weight", []int{4}, seq(4)),
		NamedBF16("c", nil, []float32{1}),
		NamedF32("z", []int{0, 5}, nil),
	}, map[string]string{"config": `{"hidden":8}`, "format": "pt"}))
	if torch, err := os.ReadFile("testdata/torch.safetensors"); err == nil {
		f.Add(torch)
	}
	for _, tc := range badFiles {
		f.Add(tc.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		var out []Named
		for _, name := range file.Names() {
			info, ok := file.Info(name)
			if !ok {
				t.Fatalf("Names lists %q but Info has no entry", name)
			}
			raw, err := file.Raw(name)
			if err != nil {
				t.Fatal(err)
			}
			if len(raw) != info.NumElements()*info.DType.Size() {
				t.Fatalf("%s: %d raw bytes for %v %v", name, len(raw), info.DType, info.Shape)
			}
			vals, shape, err := file.Float32(name)
			if err != nil || len(vals) != info.NumElements() || !slices.Equal(shape, info.Shape) {
				t.Fatalf("%s: Float32 gave %d values, shape %v, %v", name, len(vals), shape, err)
			}
			out = append(out, Named{Name: name, DType: info.DType, Shape: info.Shape, Data: raw})
		}
		var buf bytes.Buffer
		if err := Write(&buf, out, file.Metadata()); err != nil {
			t.Fatalf("rewrite: %v", err)
		}
		again, err := Parse(buf.Bytes())
		if err != nil {
			t.Fatalf("reparse: %v", err)
		}
		if !slices.Equal(again.Names(), file.Names()) || len(again.Metadata()) != len(file.Metadata()) {
			t.Fatalf("round trip changed the file")
		}
		for _, name := range file.Names() {
			a, _ := file.Raw(name)
			b, _ := again.Raw(name)
			if !bytes.Equal(a, b) {
				t.Fatalf("%s: round trip changed the data", name)
			}
		}
	})
}
