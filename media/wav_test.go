package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWAVRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name    string
		p       Params
		windows []int // frames per window; nil for audio only
		samples int   // audio-only sample count
		tol     float64
	}{
		{"pcm16-clock", Params{SampleRate: 16000}, []int{1, 4, 4, 4}, 0, 1.0 / 32767},
		{"float-clock-stereo", Params{SampleRate: 48000, Channels: 2, FloatWAV: true}, []int{2, 3}, 0, 0},
		{"pcm16-audio-only", Params{SampleRate: 22050}, nil, 12345, 1.0 / 32767},
		{"float-audio-only", Params{SampleRate: 8000, FloatWAV: true}, nil, 777, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p.withDefaults()
			path := filepath.Join(t.TempDir(), "a.wav")
			w, err := Create(path, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.samples
			if tc.windows != nil {
				// WAV ignores the frames' pixels; only their count sets the clock.
				q := p
				q.Width, q.Height = 8, 8
				nf := len(writeClip(t, w, q, tc.windows, 0))
				want = p.SampleAt(nf)
			} else {
				audio := make([]float32, tc.samples*p.Channels)
				for j := range audio {
					audio[j] = testSample(j, p.SampleRate)
				}
				// Two windows of uneven size.
				if err := w.WriteWindow(nil, audio[:len(audio)/3]); err != nil {
					t.Fatal(err)
				}
				if err := w.WriteWindow(nil, audio[len(audio)/3:]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			a, err := ReadWAVFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if a.SampleRate != p.SampleRate || a.Channels != p.Channels || a.Float != p.FloatWAV || a.Frames() != want {
				t.Fatalf("read %d Hz %d ch float=%v %d samples, want %d Hz %d ch float=%v %d samples",
					a.SampleRate, a.Channels, a.Float, a.Frames(), p.SampleRate, p.Channels, p.FloatWAV, want)
			}
			maxErr, at := 0.0, 0
			for i, v := range a.Samples {
				j, c := i/p.Channels, i%p.Channels
				ref := testSample(j, p.SampleRate)
				if tc.windows != nil {
					ref *= float32(c+1) / float32(p.Channels)
				} else {
					ref = testSample(i, p.SampleRate)
				}
				if e := math.Abs(float64(v - ref)); e > maxErr {
					maxErr, at = e, i
				}
			}
			if maxErr > tc.tol {
				t.Errorf("max abs error %.3g at %d, want <= %.3g", maxErr, at, tc.tol)
			}
			if tc.windows != nil {
				t.Logf("%d samples, max abs error %.3g", a.Frames(), maxErr)
				t.Run("ffmpeg", func(t *testing.T) {
					if s := ffmpegSamples(t, path, p.Channels); s != want {
						t.Errorf("ffmpeg decoded %d samples, want %d", s, want)
					}
				})
			}
		})
	}
}

func TestWAVClipsAndStrict(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.wav")
	w, err := CreateWAV(path, Params{SampleRate: 8000})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteWindow(nil, []float32{2, -2, 0.5, float32(math.NaN())}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	a, err := ReadWAVFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{1, -1, 16384.0 / 32767, 0}
	for i := range want {
		if a.Samples[i] != want[i] {
			t.Errorf("sample %d = %v, want %v (clipped)", i, a.Samples[i], want[i])
		}
	}

	sw, err := CreateWAV(filepath.Join(t.TempDir(), "s.wav"), Params{SampleRate: 16000, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	frames := []*image.RGBA{image.NewRGBA(image.Rect(0, 0, 1, 1))}
	err = sw.WriteWindow(frames, make([]float32, 1000))
	if err == nil || !strings.Contains(err.Error(), "want round(frames/fps*sr) = 1333") {
		t.Errorf("strict mismatch error = %v", err)
	}
}

// wavBytes builds a WAV file by hand (independently of the writer).
func wavBytes(tag, ch, sr, bits int, data []byte, extensible bool) []byte {
	var fmtc []byte
	block := ch * bits / 8
	if extensible {
		fmtc = le(nil).u16(wavExtensible).u16(uint16(ch)).u32(uint32(sr)).u32(uint32(sr * block)).u16(uint16(block)).u16(uint16(bits)).
			u16(22).u16(uint16(bits)).u32(0).u16(uint16(tag)).str("\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71")
	} else {
		fmtc = le(nil).u16(uint16(tag)).u16(uint16(ch)).u32(uint32(sr)).u32(uint32(sr * block)).u16(uint16(block)).u16(uint16(bits))
	}
	b := le(nil).str("RIFF").u32(uint32(4 + 8 + len(fmtc) + 8 + len(data) + 8 + 2)).str("WAVE")
	b = b.str("LIST").u32(2).str("xx") // unknown chunk to skip
	b = b.str("fmt ").u32(uint32(len(fmtc)))
	b = append(b, fmtc...)
	b = b.str("data").u32(uint32(len(data)))
	return append(b, data...)
}

func TestReadWAVFormats(t *testing.T) {
	f64 := le(nil).u64(math.Float64bits(-0.25)).u64(math.Float64bits(0.75))
	for _, tc := range []struct {
		name       string
		tag, bits  int
		extensible bool
		data       []byte
		want       []float32
	}{
		{"u8", 1, 8, false, []byte{0, 128, 192}, []float32{-1, 0, 0.5}},
		{"s16", 1, 16, false, le(nil).u16(0x8001).u16(0).u16(32767), []float32{-1, 0, 1}},
		{"s24", 1, 24, true, []byte{0xff, 0xff, 0x7f, 0x01, 0x00, 0x80}, []float32{1, -1}},
		{"s32", 1, 32, false, le(nil).u32(0x7fffffff).u32(0x80000001), []float32{1, -1}},
		{"f32-ext", 3, 32, true, le(nil).u32(math.Float32bits(0.125)), []float32{0.125}},
		{"f64", 3, 64, false, f64, []float32{-0.25, 0.75}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ReadWAV(bytes.NewReader(wavBytes(tc.tag, 1, 8000, tc.bits, tc.data, tc.extensible)))
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Samples) != len(tc.want) {
				t.Fatalf("%d samples, want %d", len(a.Samples), len(tc.want))
			}
			for i := range tc.want {
				if math.Abs(float64(a.Samples[i]-tc.want[i])) > 1e-6 {
					t.Errorf("sample %d = %v, want %v", i, a.Samples[i], tc.want[i])
				}
			}
		})
	}
}

func TestReadWAVErrors(t *testing.T) {
	good := wavBytes(1, 1, 8000, 16, make([]byte, 100), false)
	truncated := good[:len(good)-10]
	bad16 := wavBytes(1, 1, 8000, 12, make([]byte, 10), false)
	noch := wavBytes(1, 0, 8000, 16, make([]byte, 10), false)
	for _, tc := range []struct {
		name string
		in   []byte
		msg  string
	}{
		{"empty", nil, "WAV header"},
		{"not-riff", []byte("RIFX\x00\x00\x00\x00WAVEdata"), "not a RIFF WAVE"},
		{"truncated", truncated, "truncated"},
		{"bits", bad16, "unsupported WAV format"},
		{"channels", noch, "0 channels"},
		{"no-fmt", []byte("RIFF\x10\x00\x00\x00WAVEdata\x00\x00\x00\x00"), "before fmt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadWAV(bytes.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want one containing %q", err, tc.msg)
			}
		})
	}
	// A streaming writer that never patched the sizes: data until EOF.
	raw := wavBytes(1, 1, 8000, 16, le(nil).u16(16384).u16(0), false)
	binary.LittleEndian.PutUint32(raw[len(raw)-8:], 0xffffffff)
	if a, err := ReadWAV(bytes.NewReader(raw)); err != nil || len(a.Samples) != 2 {
		t.Errorf("unpatched data size: %v, %v", a, err)
	}
	if _, err := ReadWAVFile(filepath.Join(t.TempDir(), "missing.wav")); err == nil || !os.IsNotExist(errorsUnwrapAll(err)) {
		t.Errorf("missing file error %v", err)
	}
}

// errorsUnwrapAll returns the innermost wrapped error.
func errorsUnwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok || u.Unwrap() == nil {
			return err
		}
		err = u.Unwrap()
	}
}
