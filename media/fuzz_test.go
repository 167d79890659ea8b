package media

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// seedFile writes a small clip with w and returns the file's bytes.
func seedFile(f *testing.F, name string, p Params, windows []int) []byte {
	f.Helper()
	path := filepath.Join(f.TempDir(), name)
	w, err := Create(path, p)
	if err != nil {
		f.Fatal(err)
	}
	writeClip(f, w, p, windows, 0)
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

func FuzzReadAVI(f *testing.F) {
	small := seedFile(f, "a.avi", Params{Width: 8, Height: 8, SampleRate: 800, JPEGQuality: 50}, []int{1, 2})
	odml := seedFile(f, "b.avi", Params{Width: 8, Height: 8, SampleRate: 800, Channels: 2, RIFFLimit: 2048}, []int{3, 3, 3})
	for _, b := range [][]byte{small, odml, small[:len(small)/2], odml[:len(odml)-20], []byte("RIFF\x04\x00\x00\x00AVI "), nil} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ReadAVI(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if n := a.NumFrames(); n > 0 {
			a.Frame(0)
			a.Frame(n - 1)
		}
		a.Frame(-1)
		if au, err := a.Audio(); err == nil && au.Channels > 0 && len(au.Samples)%au.Channels != 0 {
			t.Fatalf("%d samples for %d channels", len(au.Samples), au.Channels)
		}
	})
}

func FuzzReadWAV(f *testing.F) {
	f.Add(seedFile(f, "a.wav", Params{SampleRate: 800}, nil))
	f.Add(seedFile(f, "b.wav", Params{SampleRate: 800, Channels: 2, FloatWAV: true, Width: 4, Height: 4}, []int{2, 1}))
	f.Add(wavBytes(1, 1, 8000, 24, []byte{1, 2, 3, 4, 5, 6}, true))
	f.Add(wavBytes(3, 2, 8000, 64, make([]byte, 32), false))
	f.Add(wavBytes(1, 1, 8000, 8, []byte{1, 2, 3}, false))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ReadWAV(bytes.NewReader(data))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if a.Channels < 1 || len(a.Samples)%a.Channels != 0 {
			t.Fatalf("%d samples for %d channels", len(a.Samples), a.Channels)
		}
	})
}
