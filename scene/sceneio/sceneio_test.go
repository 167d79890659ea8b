package sceneio

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/lockstep-av/lockstep/scene"
)

// npyHeader parses a version 1.0 .npy header and returns the dict and the
// data offset.
func npyHeader(t *testing.T, b []byte) (string, int) {
	t.Helper()
	if len(b) < 10 || string(b[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("bad magic % x", b[:min(len(b), 8)])
	}
	n := int(binary.LittleEndian.Uint16(b[8:10]))
	if (10+n)%64 != 0 || b[10+n-1] != '\n' {
		t.Fatalf("header length %d: data offset %d not 64-aligned or no newline", n, 10+n)
	}
	return string(b[10 : 10+n]), 10 + n
}

func TestNpyHeaders(t *testing.T) {
	tests := []struct {
		name  string
		write func(*bytes.Buffer) error
		dict  string
		size  int
	}{
		{"u8 4d", func(b *bytes.Buffer) error { return WriteNpyUint8(b, make([]uint8, 2*3*4*3), 2, 3, 4, 3) },
			"{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 4, 3), }", 72},
		{"f32 1d", func(b *bytes.Buffer) error { return WriteNpyFloat32(b, []float32{1, -2.5, 0}, 3) },
			"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 12},
	}
	for _, tc := range tests {
		var b bytes.Buffer
		if err := tc.write(&b); err != nil {
			t.Fatal(err)
		}
		dict, off := npyHeader(t, b.Bytes())
		if got := regexp.MustCompile(` *\n$`).ReplaceAllString(dict, ""); got != tc.dict {
			t.Errorf("%s: header %q, want %q", tc.name, got, tc.dict)
		}
		if b.Len()-off != tc.size {
			t.Errorf("%s: %d data bytes, want %d", tc.name, b.Len()-off, tc.size)
		}
	}
	var b bytes.Buffer
	if err := WriteNpyFloat32(&b, []float32{1, -2.5, 0}, 3); err != nil {
		t.Fatal(err)
	}
	_, off := npyHeader(t, b.Bytes())
	if v := math.Float32frombits(binary.LittleEndian.Uint32(b.Bytes()[off+4:])); v != -2.5 {
		t.Errorf("second float %g, want -2.5", v)
	}
}

func TestWAVHeader(t *testing.T) {
	var b bytes.Buffer
	if err := WriteWAV(&b, []float32{0, 1, -1, 2, 0.5}, 16000); err != nil {
		t.Fatal(err)
	}
	d := b.Bytes()
	le := binary.LittleEndian
	if string(d[0:4]) != "RIFF" || string(d[8:16]) != "WAVEfmt " || string(d[36:40]) != "data" {
		t.Fatalf("bad chunk ids: %q", d[:40])
	}
	if le.Uint32(d[4:]) != uint32(len(d)-8) || le.Uint32(d[24:]) != 16000 || le.Uint16(d[34:]) != 16 || le.Uint32(d[40:]) != 10 {
		t.Errorf("bad header fields: riff %d (file %d), rate %d, bits %d, data %d", le.Uint32(d[4:]), len(d), le.Uint32(d[24:]), le.Uint16(d[34:]), le.Uint32(d[40:]))
	}
	want := []int16{0, 32767, -32767, 32767, 16384}
	for i, w := range want {
		if got := int16(le.Uint16(d[44+2*i:])); got != w {
			t.Errorf("sample %d = %d, want %d", i, got, w)
		}
	}
}

func TestWriteClip(t *testing.T) {
	dir := t.TempDir()
	c := scene.Generate(1, 5)
	names, err := WriteClip(dir, c)
	if err != nil {
		t.Fatal(err)
	}
	frames, err := os.ReadFile(filepath.Join(dir, names.Frames))
	if err != nil {
		t.Fatal(err)
	}
	_, off := npyHeader(t, frames)
	if !bytes.Equal(frames[off:], c.Frames) {
		t.Error("frame data differs from the clip")
	}
	audio, err := os.ReadFile(filepath.Join(dir, names.Audio))
	if err != nil {
		t.Fatal(err)
	}
	_, off = npyHeader(t, audio)
	if len(audio)-off != 4*len(c.Audio) {
		t.Errorf("audio data %d bytes, want %d", len(audio)-off, 4*len(c.Audio))
	}
	js, err := os.ReadFile(filepath.Join(dir, names.Truth))
	if err != nil {
		t.Fatal(err)
	}
	var tr scene.Truth
	if err := json.Unmarshal(js, &tr); err != nil {
		t.Fatal(err)
	}
	if tr.Caption != c.Truth.Caption || len(tr.Impacts) != len(c.Truth.Impacts) || len(tr.Balls[0].Track) != c.Spec.Frames {
		t.Errorf("ground truth round trip differs: %+v", tr)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestSpritesheetSize(t *testing.T) {
	clips := []*scene.Clip{scene.Generate(1, 0), scene.Generate(1, 1)}
	img := Spritesheet(clips, SheetOptions{Columns: 6, Step: 2, Scale: 2})
	cw, ch := 0, 0
	for _, c := range clips {
		cw, ch = max(cw, c.Spec.Size.W), max(ch, c.Spec.Size.H)
	}
	if w, h := img.Rect.Dx(), img.Rect.Dy(); w != 2*(6*(cw+2)+2) || h != 2*(2*(ch+stripHeight+2)+2) {
		t.Errorf("sheet %dx%d for cells %dx%d", w, h, cw, ch)
	}
}

func TestWriteClipNpz(t *testing.T) {
	c := scene.Generate(1, 7)
	var raw [2][]byte
	for k, dir := range []string{t.TempDir(), t.TempDir()} {
		names, err := WriteClipNpz(dir, c)
		if err != nil {
			t.Fatal(err)
		}
		if raw[k], err = os.ReadFile(filepath.Join(dir, names.Frames)); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(raw[0], raw[1]) {
		t.Error("two writes of the same clip give different .npz bytes")
	}
	zr, err := zip.NewReader(bytes.NewReader(raw[0]), int64(len(raw[0])))
	if err != nil {
		t.Fatal(err)
	}
	var want [2]bytes.Buffer
	if err := WriteNpyUint8(&want[0], c.Frames, c.Spec.Frames, c.Spec.Size.H, c.Spec.Size.W, 3); err != nil {
		t.Fatal(err)
	}
	if err := WriteNpyFloat32(&want[1], c.Audio, len(c.Audio)); err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 2 || zr.File[0].Name != "frames.npy" || zr.File[1].Name != "audio.npy" {
		t.Fatalf("members %v", zr.File)
	}
	for k, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, want[k].Bytes()) {
			t.Errorf("%s: %d bytes (%v), want the %d bytes of the .npy writer", f.Name, len(got), err, want[k].Len())
		}
	}
}
