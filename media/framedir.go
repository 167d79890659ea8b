package media

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
)

// FrameDirWriter writes a directory of PNG frames, frame_00000.png,
// frame_00001.png, ..., and the audio as audio.wav (when Params.SampleRate
// is set). The directory is built as NAME.partial and renamed on Close; an
// existing empty directory NAME is replaced, a non-empty one is an error.
type FrameDirWriter struct {
	p     Params
	final string
	tmp   string
	wav   *WAVWriter
	clk   clock
	enc   png.Encoder // with a one-buffer pool: frames reuse the encoder's buffers
	err   error
	done  bool
}

// CreateFrameDir creates a PNG frame directory writer (see [FrameDirWriter]).
func CreateFrameDir(path string, p Params) (*FrameDirWriter, error) {
	p = p.withDefaults()
	if err := p.validate(true, p.SampleRate > 0); err != nil {
		return nil, fmt.Errorf("%w (writing %s)", err, path)
	}
	final := filepath.Clean(strings.TrimRight(path, "/"+string(filepath.Separator)))
	if ents, err := os.ReadDir(final); err == nil && len(ents) > 0 {
		return nil, fmt.Errorf("media: output directory %s exists and is not empty", final)
	}
	tmp := final + ".partial"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("media: create %s: %w", path, err)
	}
	d := &FrameDirWriter{p: p, final: final, tmp: tmp, clk: clock{p: p}, enc: png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: new(pngBufferPool)}}
	if p.SampleRate > 0 {
		f, err := os.OpenFile(filepath.Join(tmp, "audio.wav"), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			os.RemoveAll(tmp)
			return nil, fmt.Errorf("media: create %s: %w", path, err)
		}
		// The WAV lives inside the partial directory, so it needs no
		// rename of its own: commit renames it onto itself.
		pf := &partialFile{f: f, final: f.Name(), tmp: f.Name()}
		if d.wav, err = newWAVWriter(pf, p); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
	}
	return d, nil
}

// FrameName returns the file name of frame i in a frame directory.
func FrameName(i int) string { return fmt.Sprintf("frame_%05d.png", i) }

// WriteWindow implements [Writer].
func (d *FrameDirWriter) WriteWindow(frames []*image.RGBA, audio []float32) error {
	if d.err != nil {
		return d.err
	}
	if d.done {
		return errors.New("media: frame directory writer already closed")
	}
	if err := d.clk.check(frames, audio, true); err != nil {
		return d.fail(err)
	}
	for _, f := range frames {
		if err := d.writePNG(FrameName(d.clk.frames), f); err != nil {
			return d.fail(err)
		}
		d.clk.advance(1, 0)
	}
	d.clk.advance(0, len(audio))
	if d.wav != nil {
		if err := d.wav.WriteWindow(frames, audio); err != nil {
			return d.fail(err)
		}
	}
	return nil
}

// pngBufferPool keeps one png.EncoderBuffer for the frames of a writer
// (encoding is sequential, so one is enough).
type pngBufferPool struct{ b *png.EncoderBuffer }

// Get implements png.EncoderBufferPool.
func (p *pngBufferPool) Get() *png.EncoderBuffer {
	b := p.b
	p.b = nil
	return b
}

// Put implements png.EncoderBufferPool.
func (p *pngBufferPool) Put(b *png.EncoderBuffer) { p.b = b }

// writePNG encodes img into the directory under name.
func (d *FrameDirWriter) writePNG(name string, img image.Image) error {
	f, err := os.Create(filepath.Join(d.tmp, name))
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	if err := d.enc.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("media: encode %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("media: %w", err)
	}
	return nil
}

func (d *FrameDirWriter) fail(err error) error {
	d.err = err
	d.abort()
	return err
}

func (d *FrameDirWriter) abort() {
	if d.wav != nil {
		d.wav.Abort()
	}
	os.RemoveAll(d.tmp)
}

// Close implements [Writer]: it finishes audio.wav and renames the
// directory into place.
func (d *FrameDirWriter) Close() error {
	if d.err != nil {
		return d.err
	}
	if d.done {
		return nil
	}
	d.done = true
	if d.wav != nil {
		if err := d.wav.Close(); err != nil {
			return d.fail(err)
		}
	}
	if err := os.Remove(d.final); err != nil && !os.IsNotExist(err) {
		return d.fail(fmt.Errorf("media: replace %s: %w", d.final, err))
	}
	if err := os.Rename(d.tmp, d.final); err != nil {
		return d.fail(fmt.Errorf("media: rename %s: %w", d.tmp, err))
	}
	return nil
}

// Abort implements [Writer]: it removes the partial directory.
func (d *FrameDirWriter) Abort() error {
	d.done = true
	if d.err == nil {
		d.err = errors.New("media: frame directory writer aborted")
	}
	d.abort()
	return nil
}
