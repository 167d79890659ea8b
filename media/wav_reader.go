package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// Audio is decoded PCM audio.
type Audio struct {
	SampleRate int
	Channels   int
	// Bits per sample in the file and whether the samples were IEEE float.
	Bits  int
	Float bool
	// Samples holds the audio interleaved by channel, scaled to [-1, 1].
	Samples []float32
}

// Frames returns the number of samples per channel.
func (a *Audio) Frames() int { return len(a.Samples) / a.Channels }

// ReadWAVFile reads the WAV file at path (see [ReadWAV]).
func ReadWAVFile(path string) (*Audio, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	defer f.Close()
	a, err := ReadWAV(f)
	if err != nil {
		return nil, fmt.Errorf("%w (reading %s)", err, path)
	}
	return a, nil
}

// ReadWAV decodes a RIFF WAVE stream: integer PCM of 8, 16, 24 or 32 bits
// and IEEE float of 32 or 64 bits, plain or WAVE_FORMAT_EXTENSIBLE. Unknown
// chunks are skipped. A data size of 0 or 0xFFFFFFFF (left by a streaming
// writer that never patched it) means "until the end of the stream".
func ReadWAV(r io.Reader) (*Audio, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("media: WAV header: %w", err)
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return nil, errors.New("media: not a RIFF WAVE file")
	}
	var a *Audio
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			if a == nil {
				return nil, errors.New("media: WAV has no fmt chunk")
			}
			return nil, errors.New("media: WAV has no data chunk")
		}
		id, size := string(ch[:4]), binary.LittleEndian.Uint32(ch[4:])
		switch id {
		case "fmt ":
			if size < 16 || size > 1024 {
				return nil, fmt.Errorf("media: WAV fmt chunk of %d bytes", size)
			}
			b := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, fmt.Errorf("media: WAV fmt chunk: %w", err)
			}
			var err error
			a, _, err = parseWAVFormat(b[:size])
			if err != nil {
				return nil, err
			}
		case "data":
			if a == nil {
				return nil, errors.New("media: WAV data chunk before fmt chunk")
			}
			var src io.Reader = r
			if size != 0 && size != math.MaxUint32 {
				src = io.LimitReader(r, int64(size))
			}
			data, err := io.ReadAll(src)
			if err != nil {
				return nil, fmt.Errorf("media: WAV data: %w", err)
			}
			if size != 0 && size != math.MaxUint32 && len(data) != int(size) {
				return nil, fmt.Errorf("media: WAV data truncated: %d of %d bytes", len(data), size)
			}
			decodePCM(a, data)
			return a, nil
		default:
			if _, err := io.CopyN(io.Discard, r, int64(size)+int64(size%2)); err != nil {
				return nil, fmt.Errorf("media: WAV chunk %q truncated", id)
			}
		}
	}
}

// parseWAVFormat reads a fmt chunk and returns the audio description and
// the effective format tag (PCM or float).
func parseWAVFormat(b []byte) (*Audio, int, error) {
	tag := int(binary.LittleEndian.Uint16(b[0:]))
	a := &Audio{
		Channels:   int(binary.LittleEndian.Uint16(b[2:])),
		SampleRate: int(binary.LittleEndian.Uint32(b[4:])),
		Bits:       int(binary.LittleEndian.Uint16(b[14:])),
	}
	if tag == wavExtensible {
		if len(b) < 40 {
			return nil, 0, errors.New("media: WAV extensible fmt chunk too short")
		}
		tag = int(binary.LittleEndian.Uint16(b[24:])) // first bytes of the subformat GUID
	}
	if a.Channels < 1 || a.Channels > 64 {
		return nil, 0, fmt.Errorf("media: WAV has %d channels", a.Channels)
	}
	if a.SampleRate < 1 {
		return nil, 0, fmt.Errorf("media: WAV sample rate %d", a.SampleRate)
	}
	switch {
	case tag == wavPCM && (a.Bits == 8 || a.Bits == 16 || a.Bits == 24 || a.Bits == 32):
	case tag == wavFloat && (a.Bits == 32 || a.Bits == 64):
		a.Float = true
	default:
		return nil, 0, fmt.Errorf("media: unsupported WAV format tag %#x with %d bits", tag, a.Bits)
	}
	return a, tag, nil
}

// decodePCM converts sample bytes to a.Samples; a trailing partial sample
// frame is ignored.
func decodePCM(a *Audio, data []byte) {
	bps := a.Bits / 8
	n := len(data) / (bps * a.Channels) * a.Channels
	a.Samples = make([]float32, n)
	for i := range a.Samples {
		b := data[i*bps:]
		var v float64
		switch {
		case a.Float && bps == 4:
			v = float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
		case a.Float:
			v = math.Float64frombits(binary.LittleEndian.Uint64(b))
		case bps == 1:
			v = (float64(b[0]) - 128) / 128
		case bps == 2:
			v = float64(int16(binary.LittleEndian.Uint16(b))) / 32767
		case bps == 3:
			v = float64(int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24)>>8) / 8388607
		default:
			v = float64(int32(binary.LittleEndian.Uint32(b))) / 2147483647
		}
		a.Samples[i] = float32(v)
	}
}
