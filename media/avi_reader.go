package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"io"
	"os"
)

// AVI is a parsed AVI file: its headers, the data chunks of its movi lists
// in file order, and its indexes. Frames and audio are decoded on demand
// from the underlying reader.
type AVI struct {
	Width, Height  int
	FPSNum, FPSDen int // video strh dwRate/dwScale
	SampleRate     int // 0 without an audio stream
	Channels       int
	AudioBits      int
	VideoCodec     string // strh fccHandler of the video stream, e.g. "MJPG"
	AudioFormat    int    // WAVEFORMATEX wFormatTag (1 = PCM)

	AVIHFrames  int // avih dwTotalFrames (frames in the first RIFF)
	DMLHFrames  int // dmlh dwTotalFrames (all frames), 0 without odml
	VideoLength int // video strh dwLength
	AudioLength int // audio strh dwLength

	Segments []string   // RIFF form types in order: "AVI ", "AVIX", ...
	Chunks   []AVIChunk // data chunks of all movi lists, in file order
	Idx1     []AVIIndexEntry
	// SuperIndex holds the 'indx' entries of the video (0) and audio (1)
	// streams; StdIndex the entries of the ix## chunks found in movi, with
	// absolute data offsets.
	SuperIndex [2][]AVISuperEntry
	StdIndex   [2][]AVIIndexEntry

	videoStream, audioStream int
	r                        io.ReaderAt
	size                     int64
}

// AVIChunk is one data chunk of a movi list.
type AVIChunk struct {
	ID      string // e.g. "00dc", "01wb"
	Stream  int    // stream number from the ID, -1 when not numeric
	Offset  int64  // absolute offset of the payload
	Size    int
	Segment int // index into AVI.Segments
}

// AVIIndexEntry is an idx1 or standard index entry. For idx1 the offset is
// as stored (relative to the movi list); for standard indexes it is the
// absolute offset of the payload.
type AVIIndexEntry struct {
	ID     string
	Flags  uint32
	Offset int64
	Size   uint32
}

// AVISuperEntry is one 'indx' super index entry.
type AVISuperEntry struct {
	Offset   int64
	Size     uint32
	Duration uint32
}

// AVIFile is an AVI opened from a file; Close releases it.
type AVIFile struct {
	*AVI
	f *os.File
}

// Close closes the file.
func (a *AVIFile) Close() error { return a.f.Close() }

// OpenAVI opens and parses the AVI file at path.
func OpenAVI(path string) (*AVIFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("media: %w", err)
	}
	a, err := ReadAVI(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w (reading %s)", err, path)
	}
	return &AVIFile{AVI: a, f: f}, nil
}

// ReadAVI parses the AVI of the given size readable from r. It reads the
// headers and indexes; frame and audio payloads are read when asked for.
func ReadAVI(r io.ReaderAt, size int64) (*AVI, error) {
	a := &AVI{r: r, size: size, videoStream: -1, audioStream: -1}
	for off := int64(0); off+8 <= size; {
		id, n, err := a.chunkHeader(off, size)
		if err != nil {
			return nil, err
		}
		if id != "RIFF" || n < 4 {
			if len(a.Segments) == 0 {
				return nil, errors.New("media: not a RIFF AVI file")
			}
			break // trailing garbage after the last RIFF
		}
		form, err := a.read(off+8, 4)
		if err != nil {
			return nil, err
		}
		if len(a.Segments) == 0 && string(form) != "AVI " || len(a.Segments) > 0 && string(form) != "AVIX" {
			return nil, fmt.Errorf("media: RIFF form %q at offset %d, want AVI or AVIX", form, off)
		}
		a.Segments = append(a.Segments, string(form))
		if err := a.walkRIFF(off+12, off+8+n); err != nil {
			return nil, err
		}
		off += 8 + n + n%2
	}
	if len(a.Segments) == 0 {
		return nil, errors.New("media: not a RIFF AVI file")
	}
	if a.videoStream < 0 && a.audioStream < 0 {
		return nil, errors.New("media: AVI has no stream headers")
	}
	return a, nil
}

// read returns n bytes at off.
func (a *AVI) read(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off+n > a.size {
		return nil, fmt.Errorf("media: AVI read of %d bytes at %d beyond end (%d)", n, off, a.size)
	}
	b := make([]byte, n)
	if _, err := a.r.ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && off+n == a.size) {
		return nil, fmt.Errorf("media: AVI read at %d: %w", off, err)
	}
	return b, nil
}

// chunkHeader reads the id and size of the chunk at off, which must end by
// end.
func (a *AVI) chunkHeader(off, end int64) (string, int64, error) {
	b, err := a.read(off, 8)
	if err != nil {
		return "", 0, err
	}
	n := int64(binary.LittleEndian.Uint32(b[4:]))
	if off+8+n > end {
		return "", 0, fmt.Errorf("media: AVI chunk %q at %d (%d bytes) overruns its parent ending at %d", b[:4], off, n, end)
	}
	return string(b[:4]), n, nil
}

// walkRIFF reads the children of a RIFF AVI/AVIX list.
func (a *AVI) walkRIFF(off, end int64) error {
	for off+8 <= end {
		id, n, err := a.chunkHeader(off, end)
		if err != nil {
			return err
		}
		body := off + 8
		switch {
		case id == "LIST" && n >= 4:
			form, err := a.read(body, 4)
			if err != nil {
				return err
			}
			switch string(form) {
			case "hdrl":
				if err := a.parseHdrl(body+4, body+n); err != nil {
					return err
				}
			case "movi":
				if err := a.walkMovi(body+4, body+n, 0); err != nil {
					return err
				}
			}
		case id == "idx1":
			if err := a.parseIdx1(body, n); err != nil {
				return err
			}
		}
		off = body + n + n%2
	}
	return nil
}

// walkMovi records the data chunks and standard indexes of a movi list.
func (a *AVI) walkMovi(off, end int64, depth int) error {
	if depth > 4 {
		return errors.New("media: AVI movi lists nested too deeply")
	}
	for off+8 <= end {
		id, n, err := a.chunkHeader(off, end)
		if err != nil {
			return err
		}
		body := off + 8
		switch {
		case id == "LIST" && n >= 4:
			if err := a.walkMovi(body+4, body+n, depth+1); err != nil {
				return err
			}
		case id[:2] == "ix":
			if err := a.parseStdIndex(body, n); err != nil {
				return err
			}
		case id == "JUNK":
		default:
			st := -1
			if id[0] >= '0' && id[0] <= '9' && id[1] >= '0' && id[1] <= '9' {
				st = int(id[0]-'0')*10 + int(id[1]-'0')
			}
			a.Chunks = append(a.Chunks, AVIChunk{ID: id, Stream: st, Offset: body, Size: int(n), Segment: len(a.Segments) - 1})
		}
		off = body + n + n%2
	}
	return nil
}

// parseHdrl reads avih, the stream lists and odml.
func (a *AVI) parseHdrl(off, end int64) error {
	stream := 0
	for off+8 <= end {
		id, n, err := a.chunkHeader(off, end)
		if err != nil {
			return err
		}
		if n > 1<<20 {
			return fmt.Errorf("media: AVI header chunk %q of %d bytes", id, n)
		}
		b, err := a.read(off+8, n)
		if err != nil {
			return err
		}
		switch {
		case id == "avih" && n >= 56:
			a.AVIHFrames = int(binary.LittleEndian.Uint32(b[16:]))
			a.Width = int(binary.LittleEndian.Uint32(b[32:]))
			a.Height = int(binary.LittleEndian.Uint32(b[36:]))
		case id == "LIST" && n >= 4 && string(b[:4]) == "strl":
			if err := a.parseStrl(b[4:], stream); err != nil {
				return err
			}
			stream++
		case id == "LIST" && n >= 4 && string(b[:4]) == "odml":
			if len(b) >= 16 && string(b[4:8]) == "dmlh" {
				a.DMLHFrames = int(binary.LittleEndian.Uint32(b[12:]))
			}
		}
		off += 8 + n + n%2
	}
	return nil
}

// parseStrl reads one stream list (strh, strf, indx).
func (a *AVI) parseStrl(b []byte, stream int) error {
	kind := ""
	for len(b) >= 8 {
		id, n := string(b[:4]), int64(binary.LittleEndian.Uint32(b[4:]))
		if n > int64(len(b)-8) {
			return fmt.Errorf("media: AVI stream %d chunk %q overruns its list", stream, id)
		}
		d := b[8 : 8+n]
		switch {
		case id == "strh" && n >= 48:
			kind = string(d[:4])
			scale, rate := binary.LittleEndian.Uint32(d[20:]), binary.LittleEndian.Uint32(d[24:])
			length := int(binary.LittleEndian.Uint32(d[32:]))
			switch kind {
			case "vids":
				if a.videoStream < 0 {
					a.videoStream = stream
					a.VideoCodec = string(d[4:8])
					a.FPSNum, a.FPSDen = int(rate), int(scale)
					a.VideoLength = length
				}
			case "auds":
				if a.audioStream < 0 {
					a.audioStream = stream
					a.AudioLength = length
				}
			}
		case id == "strf" && kind == "auds" && stream == a.audioStream && n >= 16:
			a.AudioFormat = int(binary.LittleEndian.Uint16(d[0:]))
			a.Channels = int(binary.LittleEndian.Uint16(d[2:]))
			a.SampleRate = int(binary.LittleEndian.Uint32(d[4:]))
			a.AudioBits = int(binary.LittleEndian.Uint16(d[14:]))
		case id == "indx" && n >= 24 && (stream == a.videoStream || stream == a.audioStream):
			s := 0
			if stream == a.audioStream {
				s = 1
			}
			used := int(binary.LittleEndian.Uint32(d[4:]))
			if d[3] != indexOfIndexes || binary.LittleEndian.Uint16(d[0:]) != 4 || used > (len(d)-24)/16 {
				return fmt.Errorf("media: AVI stream %d has a malformed super index", stream)
			}
			for i := 0; i < used; i++ {
				e := d[24+16*i:]
				a.SuperIndex[s] = append(a.SuperIndex[s], AVISuperEntry{
					Offset: int64(binary.LittleEndian.Uint64(e)), Size: binary.LittleEndian.Uint32(e[8:]), Duration: binary.LittleEndian.Uint32(e[12:])})
			}
		}
		b = b[min(int64(len(b)), 8+n+n%2):]
	}
	return nil
}

// parseIdx1 reads the legacy index.
func (a *AVI) parseIdx1(off, n int64) error {
	b, err := a.read(off, n)
	if err != nil {
		return err
	}
	for ; len(b) >= 16; b = b[16:] {
		a.Idx1 = append(a.Idx1, AVIIndexEntry{ID: string(b[:4]), Flags: binary.LittleEndian.Uint32(b[4:]),
			Offset: int64(binary.LittleEndian.Uint32(b[8:])), Size: binary.LittleEndian.Uint32(b[12:])})
	}
	return nil
}

// parseStdIndex reads an ix## standard index chunk.
func (a *AVI) parseStdIndex(off, n int64) error {
	b, err := a.read(off, n)
	if err != nil {
		return err
	}
	if n < 24 || binary.LittleEndian.Uint16(b) != 2 || b[3] != indexOfChunks {
		return fmt.Errorf("media: AVI standard index at %d is malformed", off)
	}
	used := int(binary.LittleEndian.Uint32(b[4:]))
	if used > int(n-24)/8 {
		return fmt.Errorf("media: AVI standard index at %d claims %d entries in %d bytes", off, used, n)
	}
	id := string(b[8:12])
	s := 0
	if a.audioStream >= 0 && len(id) == 4 && id[:2] == fmt.Sprintf("%02d", a.audioStream) {
		s = 1
	}
	base := int64(binary.LittleEndian.Uint64(b[12:]))
	for i := 0; i < used; i++ {
		e := b[24+8*i:]
		a.StdIndex[s] = append(a.StdIndex[s], AVIIndexEntry{ID: id, Offset: base + int64(binary.LittleEndian.Uint32(e)),
			Size: binary.LittleEndian.Uint32(e[4:]) &^ (1 << 31), Flags: binary.LittleEndian.Uint32(e[4:]) >> 31})
	}
	return nil
}

// streamChunks returns the data chunks of stream st.
func (a *AVI) streamChunks(st int) []AVIChunk {
	var out []AVIChunk
	for _, c := range a.Chunks {
		if c.Stream == st && st >= 0 {
			out = append(out, c)
		}
	}
	return out
}

// NumFrames returns the number of video chunks.
func (a *AVI) NumFrames() int { return len(a.streamChunks(a.videoStream)) }

// Frame decodes video frame i (MJPEG only).
func (a *AVI) Frame(i int) (*image.RGBA, error) {
	if a.VideoCodec != "MJPG" {
		return nil, fmt.Errorf("media: AVI video codec %q is not supported (only MJPG)", a.VideoCodec)
	}
	cs := a.streamChunks(a.videoStream)
	if i < 0 || i >= len(cs) {
		return nil, fmt.Errorf("media: AVI frame %d out of range (%d frames)", i, len(cs))
	}
	b, err := a.read(cs[i].Offset, int64(cs[i].Size))
	if err != nil {
		return nil, err
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("media: AVI frame %d: %w", i, err)
	}
	if cfg.Width*cfg.Height > 1<<24 {
		return nil, fmt.Errorf("media: AVI frame %d is %dx%d, too large", i, cfg.Width, cfg.Height)
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("media: AVI frame %d: %w", i, err)
	}
	rgba := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	return rgba, nil
}

// Audio decodes the whole audio stream (16-bit PCM only).
func (a *AVI) Audio() (*Audio, error) {
	if a.audioStream < 0 {
		return nil, errors.New("media: AVI has no audio stream")
	}
	if a.AudioFormat != wavPCM || a.AudioBits != 16 || a.Channels < 1 || a.Channels > 64 {
		return nil, fmt.Errorf("media: AVI audio format %#x, %d bits, %d channels is not supported (only 16-bit PCM)", a.AudioFormat, a.AudioBits, a.Channels)
	}
	var data []byte
	for _, c := range a.streamChunks(a.audioStream) {
		b, err := a.read(c.Offset, int64(c.Size))
		if err != nil {
			return nil, err
		}
		data = append(data, b...)
	}
	au := &Audio{SampleRate: a.SampleRate, Channels: a.Channels, Bits: 16}
	decodePCM(au, data)
	return au, nil
}

// AudioStream and VideoStream return the stream numbers (-1 if absent).
func (a *AVI) AudioStream() int { return a.audioStream }

// VideoStream returns the video stream number (-1 if absent).
func (a *AVI) VideoStream() int { return a.videoStream }
