package media

import (
	"encoding/json"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"testing"
)

// testFrame returns a w×h frame whose content depends on i: a gradient
// plus a square that moves with i, and noise of the given amplitude.
func testFrame(i, w, h int, noise int, rng *rand.Rand) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	sx, sy := (3*i)%max(1, w-8), (2*i)%max(1, h-8)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			o := img.PixOffset(x, y)
			r, g, b := 255*x/w, 255*y/h, (40*i)%256
			if x >= sx && x < sx+8 && y >= sy && y < sy+8 {
				r, g, b = 255, 255, 255
			}
			if noise > 0 {
				r = min(255, max(0, r+rng.IntN(2*noise+1)-noise))
				g = min(255, max(0, g+rng.IntN(2*noise+1)-noise))
			}
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = uint8(r), uint8(g), uint8(b), 255
		}
	}
	return img
}

// testSample is the reference audio value of global sample j.
func testSample(j, sr int) float32 {
	return float32(0.5*math.Sin(2*math.Pi*440*float64(j)/float64(sr)) + 0.25*math.Sin(2*math.Pi*37*float64(j)/float64(sr)))
}

// writeClip writes frames in windows of the given sizes, with exactly the
// audio of each window, and returns the frames written.
func writeClip(t testing.TB, w Writer, p Params, windows []int, noise int) []*image.RGBA {
	t.Helper()
	p = p.withDefaults()
	rng := rand.New(rand.NewPCG(1, 2))
	var all []*image.RGBA
	f0 := 0
	for _, n := range windows {
		frames := make([]*image.RGBA, n)
		for k := range frames {
			frames[k] = testFrame(f0+k, p.Width, p.Height, noise, rng)
		}
		var audio []float32
		for j := p.SampleAt(f0); j < p.SampleAt(f0+n); j++ {
			for c := 0; c < p.Channels; c++ {
				audio = append(audio, testSample(j, p.SampleRate)*float32(c+1)/float32(p.Channels))
			}
		}
		if err := w.WriteWindow(frames, audio); err != nil {
			t.Fatalf("WriteWindow at frame %d: %v", f0, err)
		}
		all = append(all, frames...)
		f0 += n
	}
	return all
}

// psnr returns the PSNR in dB of b against a over the RGB channels.
func psnr(a, b *image.RGBA) float64 {
	var se float64
	n := 0
	for i := range a.Pix {
		if i%4 == 3 {
			continue
		}
		d := float64(a.Pix[i]) - float64(b.Pix[i])
		se += d * d
		n++
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(se/float64(n)))
}

// probeStream is the part of ffprobe's stream report the tests check.
type probeStream struct {
	CodecType string `json:"codec_type"`
	CodecName string `json:"codec_name"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	Duration  string `json:"duration"`
	Packets   string `json:"nb_read_packets"`
	NbFrames  string `json:"nb_frames"`
	Rate      string `json:"sample_rate"`
}

// seconds returns the stream duration: ffprobe's duration, or for PCM in
// AVI (where ffprobe prints none) nb_frames (the strh length in samples)
// divided by the sample rate.
func (s probeStream) seconds() (float64, error) {
	if d, err := strconv.ParseFloat(s.Duration, 64); err == nil {
		return d, nil
	}
	n, err1 := strconv.ParseFloat(s.NbFrames, 64)
	r, err2 := strconv.ParseFloat(s.Rate, 64)
	if err1 != nil || err2 != nil || r == 0 {
		return 0, fmt.Errorf("no duration, nb_frames %q, sample_rate %q", s.NbFrames, s.Rate)
	}
	return n / r, nil
}

// ffprobe runs ffprobe on path (skipping the test when it is absent) and
// returns its streams, counting packets.
func ffprobe(t *testing.T, path string) []probeStream {
	t.Helper()
	bin, err := exec.LookPath("ffprobe")
	if err != nil {
		t.Skip("ffprobe not on PATH; install ffmpeg to run the ffprobe checks")
	}
	out, err := exec.Command(bin, "-v", "error", "-count_packets", "-show_entries",
		"stream=codec_type,codec_name,width,height,duration,nb_read_packets,nb_frames,sample_rate", "-of", "json", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", path, err, out)
	}
	var res struct {
		Streams []probeStream `json:"streams"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("ffprobe output: %v\n%s", err, out)
	}
	t.Logf("ffprobe %s: %+v", path, res.Streams)
	return res.Streams
}

// checkProbe asserts one video and one audio stream of equal duration
// within one frame, and returns them.
func checkProbe(t *testing.T, streams []probeStream, fps float64) (v, a probeStream) {
	t.Helper()
	nv, na := 0, 0
	for _, s := range streams {
		switch s.CodecType {
		case "video":
			v = s
			nv++
		case "audio":
			a = s
			na++
		}
	}
	if nv != 1 || na != 1 || len(streams) != 2 {
		t.Fatalf("ffprobe: %d streams (%d video, %d audio), want exactly one of each", len(streams), nv, na)
	}
	dv, err1 := v.seconds()
	da, err2 := a.seconds()
	if err1 != nil || err2 != nil {
		t.Fatalf("ffprobe durations: video %v, audio %v", err1, err2)
	}
	t.Logf("ffprobe durations: video %.6fs, audio %.6fs", dv, da)
	if math.Abs(dv-da) > 1/fps {
		t.Errorf("ffprobe: video %.4fs and audio %.4fs differ by more than one frame (%.4fs)", dv, da, 1/fps)
	}
	return v, a
}

// ffmpegSamples decodes the first audio stream of path with ffmpeg and
// returns the number of samples (per channel) it produced.
func ffmpegSamples(t *testing.T, path string, channels int) int {
	t.Helper()
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Skip("ffmpeg not on PATH; install ffmpeg to run the decode checks")
	}
	out, err := exec.Command(bin, "-v", "error", "-i", path, "-map", "0:a", "-f", "s16le", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg decode %s: %v", path, err)
	}
	return len(out) / (2 * channels)
}
