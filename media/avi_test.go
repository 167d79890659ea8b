package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

func TestSampleAt(t *testing.T) {
	for _, tc := range []struct {
		num, den, sr int
	}{{12, 1, 16000}, {24, 1, 48000}, {30000, 1001, 48000}, {25, 1, 44100}, {12, 1, 22050}, {7, 3, 8000}} {
		p := Params{FPSNum: tc.num, FPSDen: tc.den, SampleRate: tc.sr}
		sum := 0
		for i := 0; i < 500; i++ {
			exact := float64(i) * float64(tc.den) * float64(tc.sr) / float64(tc.num)
			want := int(math.Floor(exact + 0.5))
			if got := p.SampleAt(i); got != want {
				t.Fatalf("%d/%d fps, %d Hz: SampleAt(%d) = %d, want round(%v) = %d", tc.num, tc.den, tc.sr, i, got, exact, want)
			}
			if got := p.SampleAt(i); got != sum {
				t.Fatalf("%d/%d fps, %d Hz: sum of SamplesInFrame over %d frames = %d, want %d", tc.num, tc.den, tc.sr, i, sum, got)
			}
			sum += p.SamplesInFrame(i)
		}
	}
	if got := (Params{SampleRate: 16000}).SampleAt(13); got != 17333 {
		t.Errorf("default 12 fps, 16 kHz: SampleAt(13) = %d, want 17333", got)
	}
}

// checkAVI verifies the structure of a, written with p from frames, against
// the expectations of per-frame interleaving and consistent indexes.
func checkAVI(t *testing.T, path string, a *AVI, p Params, nframes int, interleaved bool) {
	t.Helper()
	p = p.withDefaults()
	wantCh, wantBits := p.Channels, 16
	if p.SampleRate == 0 {
		wantCh, wantBits = 0, 0
	}
	if a.Width != p.Width || a.Height != p.Height || a.FPSNum != p.FPSNum || a.FPSDen != p.FPSDen ||
		a.SampleRate != p.SampleRate || a.Channels != wantCh || a.AudioBits != wantBits || a.VideoCodec != "MJPG" {
		t.Fatalf("headers: %dx%d %d/%d fps %d Hz %d ch %d bits %q; want %dx%d %d/%d %d Hz %d ch 16 bits MJPG",
			a.Width, a.Height, a.FPSNum, a.FPSDen, a.SampleRate, a.Channels, a.AudioBits, a.VideoCodec,
			p.Width, p.Height, p.FPSNum, p.FPSDen, p.SampleRate, p.Channels)
	}
	wantSamples := p.SampleAt(nframes)
	if a.NumFrames() != nframes || a.VideoLength != nframes || a.DMLHFrames != nframes {
		t.Errorf("frames: %d chunks, strh length %d, dmlh %d; want %d", a.NumFrames(), a.VideoLength, a.DMLHFrames, nframes)
	}
	if a.AudioLength != wantSamples {
		t.Errorf("audio strh length %d, want round(frames/fps*sr) = %d", a.AudioLength, wantSamples)
	}
	// Interleaving: V0 A0 V1 A1 ..., audio chunk i holds frame i's samples.
	streams := []string{"00dc", "01wb"}
	if p.SampleRate == 0 {
		streams = streams[:1]
		interleaved = false
		if a.AudioStream() != -1 {
			t.Errorf("audio stream %d in a video-only AVI", a.AudioStream())
		}
	}
	if len(a.Chunks) != len(streams)*nframes {
		t.Fatalf("%d data chunks, want %d", len(a.Chunks), len(streams)*nframes)
	}
	for i, c := range a.Chunks {
		if interleaved && (i%2 == 0 && c.ID != "00dc" || i%2 == 1 && c.ID != "01wb") {
			t.Fatalf("chunk %d is %q, want alternating 00dc/01wb", i, c.ID)
		}
	}
	for f, c := range a.streamChunks(a.AudioStream()) {
		if c.Size != 2*p.Channels*p.SamplesInFrame(f) {
			t.Fatalf("audio chunk of frame %d has %d bytes, want %d", f, c.Size, 2*p.Channels*p.SamplesInFrame(f))
		}
	}
	// Segments: first frames in avih, idx1 covers segment 0 only.
	seg0, seg0Chunks := 0, 0
	for _, c := range a.Chunks {
		if c.Segment == 0 {
			seg0Chunks++
			if c.ID == "00dc" {
				seg0++
			}
		}
	}
	if a.AVIHFrames != seg0 {
		t.Errorf("avih frames %d, want %d (frames in the first RIFF)", a.AVIHFrames, seg0)
	}
	if len(a.Idx1) != seg0Chunks {
		t.Errorf("idx1 has %d entries, want %d (the chunks of the first RIFF)", len(a.Idx1), seg0Chunks)
	}
	for i, e := range a.Idx1 {
		c := a.Chunks[i]
		if e.ID != c.ID || int(e.Size) != c.Size || e.Flags&aviKeyframe == 0 {
			t.Fatalf("idx1[%d] = %+v, chunk %+v", i, e, c)
		}
	}
	if len(a.Idx1) > 0 {
		// idx1 offsets are relative to the 'movi' fourcc: all shifted by one constant.
		base := a.Chunks[0].Offset - 8 - a.Idx1[0].Offset
		for i, e := range a.Idx1 {
			if e.Offset+base+8 != a.Chunks[i].Offset {
				t.Fatalf("idx1[%d] offset %d + base %d does not point at chunk data %d", i, e.Offset, base, a.Chunks[i].Offset)
			}
		}
	}
	// OpenDML: one super index entry per segment and stream, standard
	// index entries pointing exactly at the chunks.
	for s, id := range streams {
		var chunks []AVIChunk
		for _, c := range a.Chunks {
			if c.ID == id {
				chunks = append(chunks, c)
			}
		}
		if len(a.SuperIndex[s]) != len(a.Segments) {
			t.Errorf("stream %s: %d super index entries for %d segments", id, len(a.SuperIndex[s]), len(a.Segments))
		}
		dur := 0
		for _, e := range a.SuperIndex[s] {
			dur += int(e.Duration)
			hdr := make([]byte, 8)
			if _, err := a.r.ReadAt(hdr, e.Offset); err != nil || string(hdr[:4]) != "ix"+id[:2] || binary.LittleEndian.Uint32(hdr[4:])+8 != e.Size {
				t.Errorf("stream %s: super index entry %+v does not point at an ix%s chunk (%q)", id, e, id[:2], hdr)
			}
		}
		want := nframes
		if s == 1 {
			want = wantSamples
		}
		if dur != want {
			t.Errorf("stream %s: super index durations sum to %d, want %d", id, dur, want)
		}
		if len(a.StdIndex[s]) != len(chunks) {
			t.Fatalf("stream %s: %d standard index entries for %d chunks", id, len(a.StdIndex[s]), len(chunks))
		}
		for i, e := range a.StdIndex[s] {
			if e.Offset != chunks[i].Offset || int(e.Size) != chunks[i].Size || e.Flags != 0 {
				t.Fatalf("stream %s: standard index entry %d = %+v, chunk %+v", id, i, e, chunks[i])
			}
		}
	}
	// RIFF sizes: segments tile the file and stay within the limit.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	off, n := 0, 0
	for off+12 <= len(raw) {
		size := int(binary.LittleEndian.Uint32(raw[off+4:]))
		if string(raw[off:off+4]) != "RIFF" {
			t.Fatalf("top-level chunk %q at %d", raw[off:off+4], off)
		}
		if int64(size+8) > p.RIFFLimit {
			t.Errorf("RIFF %d is %d bytes, over the limit %d", n, size+8, p.RIFFLimit)
		}
		off += 8 + size + size%2
		n++
	}
	if off != len(raw) || n != len(a.Segments) {
		t.Errorf("RIFF lists cover %d of %d bytes in %d segments (reader saw %d)", off, len(raw), n, len(a.Segments))
	}
}

func TestAVIRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name    string
		p       Params
		windows []int
	}{
		{"12fps-16k-mono", Params{Width: 64, Height: 48, SampleRate: 16000}, []int{1, 4, 4, 4}},
		{"ntsc-48k-stereo", Params{Width: 40, Height: 30, FPSNum: 30000, FPSDen: 1001, SampleRate: 48000, Channels: 2}, []int{3, 5, 1, 8}},
		{"odd-size", Params{Width: 33, Height: 17, FPSNum: 25, SampleRate: 22050}, []int{2, 2, 2}},
		{"video-only", Params{Width: 32, Height: 32}, []int{4, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "clip.avi")
			w, err := Create(path, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			frames := writeClip(t, w, tc.p, tc.windows, 0)
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("final file exists before Close: %v", err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path + ".partial"); !os.IsNotExist(err) {
				t.Errorf("partial file left after Close: %v", err)
			}
			a, err := OpenAVI(path)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			p := tc.p.withDefaults()
			checkAVI(t, path, a.AVI, p, len(frames), true)
			for i, want := range frames {
				got, err := a.Frame(i)
				if err != nil {
					t.Fatal(err)
				}
				db := psnr(want, got)
				if db < 25 {
					t.Errorf("frame %d: PSNR %.1f dB after MJPEG, want >= 25", i, db)
				}
				for _, j := range []int{i - 1, i + 1} {
					if j >= 0 && j < len(frames) && psnr(frames[j], got) >= db {
						t.Errorf("decoded frame %d is as close to frame %d (%.1f dB) as to itself (%.1f dB)", i, j, psnr(frames[j], got), db)
					}
				}
			}
			if p.SampleRate == 0 {
				return
			}
			au, err := a.Audio()
			if err != nil {
				t.Fatal(err)
			}
			if au.Frames() != p.SampleAt(len(frames)) {
				t.Fatalf("audio has %d samples, want %d", au.Frames(), p.SampleAt(len(frames)))
			}
			maxErr, at := 0.0, 0
			for i, v := range au.Samples {
				j, c := i/p.Channels, i%p.Channels
				want := testSample(j, p.SampleRate) * float32(c+1) / float32(p.Channels)
				if e := math.Abs(float64(v - want)); e > maxErr {
					maxErr, at = e, i
				}
			}
			if maxErr > 1.0/32767 {
				t.Errorf("audio max abs error %.3g at value %d, want <= 1/32767", maxErr, at)
			}
			t.Logf("%d frames, %d samples, max abs audio error %.3g", len(frames), au.Frames(), maxErr)
		})
	}
}

// TestAVIOpenDML lowers the RIFF limit so a small clip spans several RIFF
// segments, exercising the AVIX/indx/ix## path used beyond 1 GiB.
func TestAVIOpenDML(t *testing.T) {
	p := Params{Width: 96, Height: 64, SampleRate: 16000, RIFFLimit: 96 << 10, JPEGQuality: 95}
	path := filepath.Join(t.TempDir(), "big.avi")
	w, err := CreateAVI(path, p)
	if err != nil {
		t.Fatal(err)
	}
	frames := writeClip(t, w, p, []int{1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, 60)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	a, err := OpenAVI(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if len(a.Segments) < 3 || a.Segments[0] != "AVI " || a.Segments[1] != "AVIX" {
		t.Fatalf("segments %q, want AVI followed by at least two AVIX", a.Segments)
	}
	checkAVI(t, path, a.AVI, p.withDefaults(), len(frames), true)
	last, err := a.Frame(len(frames) - 1)
	if err != nil {
		t.Fatal(err)
	}
	if db := psnr(frames[len(frames)-1], last); db < 18 || db <= psnr(frames[len(frames)-2], last) {
		t.Errorf("last frame PSNR %.1f dB", db)
	}
	t.Logf("%d frames in %d RIFF segments %q", len(frames), len(a.Segments), a.Segments)

	t.Run("ffprobe", func(t *testing.T) {
		v, au := checkProbe(t, ffprobe(t, path), p.FPS())
		if v.CodecName != "mjpeg" || au.CodecName != "pcm_s16le" {
			t.Errorf("codecs %q/%q, want mjpeg/pcm_s16le", v.CodecName, au.CodecName)
		}
		if n, _ := strconv.Atoi(v.Packets); n != len(frames) {
			t.Errorf("ffprobe read %s video packets across the segments, want %d", v.Packets, len(frames))
		}
		if n := ffmpegSamples(t, path, 1); n != p.SampleAt(len(frames)) {
			t.Errorf("ffmpeg decoded %d audio samples across the segments, want %d", n, p.SampleAt(len(frames)))
		}
		// ffmpeg's AVI demuxer traces the OpenDML indexes it reads: check that
		// it used them and found every video frame through the ix00 chunks.
		trace, err := exec.Command("ffprobe", "-v", "trace", path).CombinedOutput()
		if err != nil {
			t.Fatalf("ffprobe -v trace: %v", err)
		}
		indexed := 0
		for _, m := range regexp.MustCompile(`index_type:1 entries_in_use:(\d+) chunk_id:63643030`).FindAllSubmatch(trace, -1) {
			n, _ := strconv.Atoi(string(m[1]))
			indexed += n
		}
		if !bytes.Contains(trace, []byte("use odml:1")) || indexed != len(frames) {
			t.Errorf("ffmpeg did not read the OpenDML index (odml used: %v, frames in ix00: %d of %d)",
				bytes.Contains(trace, []byte("use odml:1")), indexed, len(frames))
		}
	})
}

func TestAVIProbe(t *testing.T) {
	p := Params{Width: 64, Height: 48, SampleRate: 16000}
	path := filepath.Join(t.TempDir(), "clip.avi")
	w, err := Create(path, p)
	if err != nil {
		t.Fatal(err)
	}
	writeClip(t, w, p, []int{1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, 0) // 49 frames, ~4.08 s
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	v, a := checkProbe(t, ffprobe(t, path), 12)
	if v.CodecName != "mjpeg" || a.CodecName != "pcm_s16le" || v.Width != 64 || v.Height != 48 {
		t.Errorf("ffprobe: %+v %+v", v, a)
	}
	if v.Packets != "49" {
		t.Errorf("ffprobe read %s video packets, want 49", v.Packets)
	}
	if n := ffmpegSamples(t, path, 1); n != p.SampleAt(49) {
		t.Errorf("ffmpeg decoded %d audio samples, want round(49/12*16000) = %d", n, p.SampleAt(49))
	}
}

func TestAVIAudioPadAndTrim(t *testing.T) {
	p := Params{Width: 16, Height: 16, SampleRate: 16000}
	frames := []*image.RGBA{testFrame(0, 16, 16, 0, nil), testFrame(1, 16, 16, 0, nil), testFrame(2, 16, 16, 0, nil)}
	for _, tc := range []struct {
		name  string
		audio int
	}{{"short", 1000}, {"long", 9000}, {"none", 0}} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.avi")
			w, err := Create(path, p)
			if err != nil {
				t.Fatal(err)
			}
			audio := make([]float32, tc.audio)
			for i := range audio {
				audio[i] = 0.5
			}
			if err := w.WriteWindow(frames, audio); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			a, err := OpenAVI(path)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			checkAVI(t, path, a.AVI, p.withDefaults(), 3, tc.name == "long")
			au, err := a.Audio()
			if err != nil {
				t.Fatal(err)
			}
			if au.Frames() != 4000 {
				t.Fatalf("%d samples, want 4000", au.Frames())
			}
			for i, v := range au.Samples {
				want := float32(0)
				if i < tc.audio {
					want = 16384.0 / 32767
				}
				if v != want {
					t.Fatalf("sample %d = %v, want %v", i, v, want)
				}
			}
		})
	}
}

// TestAVILaggingAudio delivers each window's audio one window late, across
// RIFF segment boundaries: chunks land in later segments, nothing shifts.
func TestAVILaggingAudio(t *testing.T) {
	p := Params{Width: 48, Height: 32, SampleRate: 8000, RIFFLimit: 24 << 10}.withDefaults()
	path := filepath.Join(t.TempDir(), "lag.avi")
	w, err := CreateAVI(path, p)
	if err != nil {
		t.Fatal(err)
	}
	var pending []float32
	nf := 0
	for k := 0; k < 8; k++ {
		frames := make([]*image.RGBA, 4)
		for i := range frames {
			frames[i] = testFrame(nf+i, p.Width, p.Height, 40, rand.New(rand.NewPCG(uint64(nf+i), 9)))
		}
		var audio []float32
		for j := p.SampleAt(nf); j < p.SampleAt(nf+4); j++ {
			audio = append(audio, testSample(j, p.SampleRate))
		}
		if err := w.WriteWindow(frames, pending); err != nil {
			t.Fatal(err)
		}
		pending = audio
		nf += 4
	}
	if err := w.WriteWindow(nil, pending); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	a, err := OpenAVI(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if len(a.Segments) < 2 {
		t.Fatalf("%d segments, want several", len(a.Segments))
	}
	checkAVI(t, path, a.AVI, p, nf, false)
	au, err := a.Audio()
	if err != nil {
		t.Fatal(err)
	}
	maxErr := 0.0
	for j, v := range au.Samples {
		maxErr = max(maxErr, math.Abs(float64(v-testSample(j, p.SampleRate))))
	}
	if au.Frames() != p.SampleAt(nf) || maxErr > 1.0/32767 {
		t.Errorf("%d samples (want %d), max abs error %.3g", au.Frames(), p.SampleAt(nf), maxErr)
	}
}
