package media

import (
	"math"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestReadFFmpegFiles reads files written by ffmpeg (an independent
// writer) with this package's readers.
func TestReadFFmpegFiles(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		out, err := exec.Command("ffmpeg", append([]string{"-v", "error", "-y"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
		}
	}
	avi := filepath.Join(dir, "ref.avi")
	run("-f", "lavfi", "-i", "testsrc=s=64x48:r=12:d=2", "-f", "lavfi", "-i", "sine=f=440:r=16000:d=2",
		"-c:v", "mjpeg", "-c:a", "pcm_s16le", avi)
	a, err := OpenAVI(avi)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.NumFrames() != 24 || a.Width != 64 || a.Height != 48 || a.FPSNum != 12*a.FPSDen {
		t.Errorf("ffmpeg AVI: %d frames %dx%d %d/%d fps, want 24 64x48 12 fps", a.NumFrames(), a.Width, a.Height, a.FPSNum, a.FPSDen)
	}
	if _, err := a.Frame(23); err != nil {
		t.Error(err)
	}
	au, err := a.Audio()
	if err != nil {
		t.Fatal(err)
	}
	if au.Frames() != 32000 || au.SampleRate != 16000 {
		t.Errorf("ffmpeg AVI audio: %d samples at %d Hz, want 32000 at 16000", au.Frames(), au.SampleRate)
	}

	for _, tc := range []struct {
		codec string
		bits  int
		float bool
	}{{"pcm_s16le", 16, false}, {"pcm_s24le", 24, false}, {"pcm_f32le", 32, true}, {"pcm_u8", 8, false}} {
		wav := filepath.Join(dir, tc.codec+".wav")
		run("-f", "lavfi", "-i", "sine=f=1000:r=8000:d=0.5", "-ac", "2", "-c:a", tc.codec, wav)
		w, err := ReadWAVFile(wav)
		if err != nil {
			t.Fatalf("%s: %v", tc.codec, err)
		}
		if w.Frames() != 4000 || w.Channels != 2 || w.Bits != tc.bits || w.Float != tc.float {
			t.Errorf("%s: %d samples, %d ch, %d bits, float=%v", tc.codec, w.Frames(), w.Channels, w.Bits, w.Float)
		}
		// ffmpeg's sine source has amplitude 1/8; the mono to stereo
		// upmix lowers it by 3 dB.
		peak := 0.0
		for _, v := range w.Samples {
			peak = max(peak, math.Abs(float64(v)))
		}
		if want := 0.125 / math.Sqrt2; math.Abs(peak-want) > 0.008 {
			t.Errorf("%s: peak %.4f, want %.4f", tc.codec, peak, want)
		}
	}
}
