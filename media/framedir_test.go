package media

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFrameDir(t *testing.T) {
	p := Params{Width: 20, Height: 10, SampleRate: 16000}
	dir := filepath.Join(t.TempDir(), "clip") + "/"
	w, err := Create(dir, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := w.(*FrameDirWriter); !ok {
		t.Fatalf("Create(%q) gave %T, want *FrameDirWriter", dir, w)
	}
	frames := writeClip(t, w, p, []int{1, 4, 2}, 3)
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("directory visible before Close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != len(frames)+1 {
		t.Errorf("%d entries, want %d frames + audio.wav", len(ents), len(frames))
	}
	for i, want := range frames {
		f, err := os.Open(filepath.Join(dir, FrameName(i)))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		got, ok := img.(*image.RGBA)
		if !ok {
			nrgba, ok2 := img.(*image.NRGBA)
			if !ok2 {
				t.Fatalf("frame %d decoded as %T", i, img)
			}
			got = &image.RGBA{Pix: nrgba.Pix, Stride: nrgba.Stride, Rect: nrgba.Rect}
		}
		for k := range want.Pix {
			if got.Pix[k] != want.Pix[k] {
				t.Fatalf("frame %d byte %d = %d, want %d (PNG is lossless)", i, k, got.Pix[k], want.Pix[k])
			}
		}
	}
	a, err := ReadWAVFile(filepath.Join(dir, "audio.wav"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Frames() != p.SampleAt(len(frames)) {
		t.Errorf("audio.wav has %d samples, want %d", a.Frames(), p.SampleAt(len(frames)))
	}

	// A non-empty existing directory is refused; an empty one is replaced.
	if _, err := Create(dir, p); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("existing non-empty directory: %v", err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	w, err = Create(empty, Params{Width: 4, Height: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteWindow([]*image.RGBA{image.NewRGBA(image.Rect(0, 0, 4, 4))}, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(empty, FrameName(0))); err != nil {
		t.Errorf("frame in replaced empty dir: %v", err)
	}
}
