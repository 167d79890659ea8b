package media

import (
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// framesOf returns n black frames.
func framesOf(n, w, h int) []*image.RGBA {
	out := make([]*image.RGBA, n)
	for i := range out {
		out[i] = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	return out
}

// outputs lists an output name per writer kind (MP4 only with ffmpeg).
func outputs(t *testing.T) []string {
	names := []string{"c.avi", "c.wav", "frames/"}
	if _, err := exec.LookPath("ffmpeg"); err == nil {
		names = append(names, "c.mp4")
	}
	return names
}

func TestUnwritablePath(t *testing.T) {
	base := filepath.Join(t.TempDir(), "no", "such", "dir")
	for _, name := range outputs(t) {
		path := filepath.Join(base, name)
		if strings.HasSuffix(name, "/") {
			path += "/"
		}
		_, err := Create(path, Params{Width: 16, Height: 16, SampleRate: 16000})
		if err == nil || !strings.Contains(err.Error(), "no such file or directory") || !strings.Contains(err.Error(), base) {
			t.Errorf("Create(%s): error %v, want one naming the path and the cause", path, err)
		}
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	for _, name := range outputs(t) {
		t.Run(strings.TrimSuffix(name, "/"), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			if strings.HasSuffix(name, "/") {
				path += "/"
			}
			p := Params{Width: 16, Height: 16, SampleRate: 16000}
			w, err := Create(path, p)
			if err != nil {
				t.Fatal(err)
			}
			writeClip(t, w, p, []int{1, 4}, 0)
			if err := w.Abort(); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err == nil {
				t.Error("Close after Abort succeeded")
			}
			if err := w.WriteWindow(nil, nil); err == nil {
				t.Error("WriteWindow after Abort succeeded")
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != 0 {
				t.Errorf("directory holds %v after Abort", ents)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		path string
		p    Params
		msg  string
	}{
		{"x.mkv", Params{Width: 16, Height: 16}, "unknown output type"},
		{"", Params{}, "empty output path"},
		{"x.avi", Params{Width: 0, Height: 16}, "frame size 0x16"},
		{"x.avi", Params{Width: 16, Height: 16, FPSNum: -1}, "frame rate"},
		{"x.wav", Params{}, "sample rate 0"},
		{"x.avi", Params{Width: 16, Height: 16, JPEGQuality: 101}, "JPEG quality"},
		{"x.avi", Params{Width: 16, Height: 16, Channels: 99}, "channels"},
	} {
		path := tc.path
		if path != "" {
			path = filepath.Join(dir, path)
		}
		_, err := Create(path, tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("Create(%q, %+v): error %v, want one containing %q", tc.path, tc.p, err, tc.msg)
		}
	}
	// Window errors: wrong frame size, nil frame, audio without a sample
	// rate, odd interleaved audio. Each fails the writer and removes output.
	for _, tc := range []struct {
		p      Params
		frames []*image.RGBA
		audio  []float32
		msg    string
	}{
		{Params{Width: 16, Height: 16}, framesOf(1, 8, 8), nil, "frame 0 is 8x8, want 16x16"},
		{Params{Width: 16, Height: 16}, []*image.RGBA{nil}, nil, "frame 0 is nil"},
		{Params{Width: 16, Height: 16}, framesOf(1, 16, 16), []float32{0}, "SampleRate is 0"},
		{Params{Width: 16, Height: 16, SampleRate: 8000, Channels: 2}, framesOf(1, 16, 16), []float32{0}, "multiple of 2 channels"},
	} {
		path := filepath.Join(dir, "w.avi")
		w, err := Create(path, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		err = w.WriteWindow(tc.frames, tc.audio)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("WriteWindow: error %v, want one containing %q", err, tc.msg)
		}
		if _, serr := os.Stat(path + ".partial"); !os.IsNotExist(serr) {
			t.Errorf("partial output left after a failed window")
		}
		if cerr := w.Close(); cerr == nil {
			t.Error("Close after a failed window succeeded")
		}
	}
}
