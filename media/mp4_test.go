package media

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func needFFmpeg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not on PATH; install ffmpeg to run the MP4 tests")
	}
}

func TestMP4(t *testing.T) {
	needFFmpeg(t)
	for _, tc := range []struct {
		name         string
		p            Params
		windows      []int
		wantW, wantH int
	}{
		{"even", Params{Width: 64, Height: 48, SampleRate: 16000}, []int{1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, 64, 48},
		{"odd-size", Params{Width: 65, Height: 47, SampleRate: 16000}, []int{1, 4, 4, 4}, 66, 48},
		{"stereo-48k", Params{Width: 32, Height: 32, FPSNum: 24, SampleRate: 48000, Channels: 2}, []int{5, 7}, 32, 32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "clip.mp4")
			w, err := Create(path, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			frames := writeClip(t, w, tc.p, tc.windows, 0)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path + ".partial"); !os.IsNotExist(err) {
				t.Errorf("partial file left: %v", err)
			}
			v, a := checkProbe(t, ffprobe(t, path), tc.p.FPS())
			if v.CodecName != "h264" || a.CodecName != "aac" || v.Width != tc.wantW || v.Height != tc.wantH {
				t.Errorf("ffprobe: %s %dx%d + %s, want h264 %dx%d + aac", v.CodecName, v.Width, v.Height, a.CodecName, tc.wantW, tc.wantH)
			}
			if v.Packets != strconv.Itoa(len(frames)) {
				t.Errorf("%s video packets, want %d", v.Packets, len(frames))
			}
		})
	}
}

func TestMP4WithoutFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	path := filepath.Join(t.TempDir(), "clip.mp4")
	_, err := Create(path, Params{Width: 16, Height: 16, SampleRate: 16000})
	if !errors.Is(err, ErrNoFFmpeg) {
		t.Fatalf("error %v, want ErrNoFFmpeg", err)
	}
	for _, word := range []string{".avi", ".wav", "install ffmpeg", path} {
		if !strings.Contains(err.Error(), word) {
			t.Errorf("error %q does not mention %q", err, word)
		}
	}
	if _, err := os.Stat(path + ".partial"); !os.IsNotExist(err) {
		t.Errorf("partial file created: %v", err)
	}
}

func TestMP4FFmpegFailure(t *testing.T) {
	// A stand-in ffmpeg that fails at once: the error carries its stderr and
	// no output is left behind, whether the failure shows in WriteWindow or
	// in Close.
	bin := t.TempDir()
	script := "#!/bin/sh\necho 'fake ffmpeg: encoder exploded' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "ffmpeg"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	path := filepath.Join(t.TempDir(), "clip.mp4")
	w, err := Create(path, Params{Width: 16, Height: 16, SampleRate: 16000})
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	for i := 0; i < 200 && werr == nil; i++ {
		werr = w.WriteWindow(framesOf(4, 16, 16), make([]float32, 5333))
	}
	err = w.Close()
	if werr != nil {
		err = werr
	}
	if err == nil || !strings.Contains(err.Error(), "encoder exploded") {
		t.Fatalf("error %v, want one carrying ffmpeg's stderr", err)
	}
	t.Logf("error: %v", err)
	for _, p := range []string{path, path + ".partial"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s exists after failure", p)
		}
	}
}
