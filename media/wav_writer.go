package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"math"
)

// WAV format tags.
const (
	wavPCM        = 1
	wavFloat      = 3
	wavExtensible = 0xFFFE
)

// WAVWriter streams audio to a RIFF WAVE file: 16-bit PCM, or 32-bit IEEE
// float when Params.FloatWAV is set (with the 'fact' chunk that non-PCM
// formats carry). Sizes are patched on Close.
//
// Frames passed to WriteWindow are not stored, but they set the clock: once
// any frame has been seen the file holds exactly round(frames/fps·sr)
// samples (audio beyond the last frame is dropped, missing audio is padded
// with silence). Without frames all audio is written as given.
type WAVWriter struct {
	p     Params
	pf    *partialFile
	w     *riffWriter
	clk   clock
	audio audioQueue
	buf   []byte
	err   error
	done  bool

	riffSize, dataSize, factOff int64
	written                     int64 // samples per channel in the data chunk
}

// CreateWAV creates a WAV writer for path (see [WAVWriter]).
func CreateWAV(path string, p Params) (*WAVWriter, error) {
	p = p.withDefaults()
	if err := p.validate(false, true); err != nil {
		return nil, fmt.Errorf("%w (writing %s)", err, path)
	}
	pf, err := createPartial(path)
	if err != nil {
		return nil, err
	}
	return newWAVWriter(pf, p)
}

func newWAVWriter(pf *partialFile, p Params) (*WAVWriter, error) {
	w := &WAVWriter{p: p, pf: pf, w: newRIFFWriter(pf.f), clk: clock{p: p}, factOff: -1}
	w.audio.ch = p.Channels
	w.riffSize = w.w.begin("RIFF", "WAVE")
	bits, tag := 16, wavPCM
	if p.FloatWAV {
		bits, tag = 32, wavFloat
	}
	block := p.Channels * bits / 8
	f := le(nil).u16(uint16(tag)).u16(uint16(p.Channels)).u32(uint32(p.SampleRate)).
		u32(uint32(p.SampleRate * block)).u16(uint16(block)).u16(uint16(bits))
	if p.FloatWAV {
		f = f.u16(0)
	}
	w.w.chunk("fmt ", f)
	if p.FloatWAV {
		w.factOff = w.w.chunk("fact", le(nil).u32(0))
	}
	w.w.write([]byte("data"))
	w.dataSize = w.w.pos
	w.w.u32(0)
	if w.w.err != nil {
		pf.abort()
		return nil, fmt.Errorf("media: %w", w.w.err)
	}
	return w, nil
}

// WriteWindow implements [Writer].
func (w *WAVWriter) WriteWindow(frames []*image.RGBA, audio []float32) error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return errors.New("media: WAV writer already closed")
	}
	if err := w.clk.check(frames, audio, false); err != nil {
		return w.fail(err)
	}
	w.clk.advance(len(frames), len(audio))
	w.audio.push(audio)
	n := w.audio.avail()
	if w.clk.frames > 0 {
		n = min(n, w.p.SampleAt(w.clk.frames)-w.audio.emitted)
	}
	return w.emit(n)
}

// emit writes n samples from the queue (padding with silence).
func (w *WAVWriter) emit(n int) error {
	if n <= 0 {
		return nil
	}
	vals := w.audio.take(n)
	w.buf = w.buf[:0]
	for _, v := range vals {
		if w.p.FloatWAV {
			w.buf = binary.LittleEndian.AppendUint32(w.buf, math.Float32bits(clip(v)))
		} else {
			w.buf = binary.LittleEndian.AppendUint16(w.buf, uint16(toPCM16(v)))
		}
	}
	if w.w.pos+int64(len(w.buf)) > math.MaxUint32-8 {
		return w.fail(errors.New("media: WAV data exceeds 4 GiB"))
	}
	w.w.write(w.buf)
	w.written += int64(n)
	if w.w.err != nil {
		return w.fail(fmt.Errorf("media: %w", w.w.err))
	}
	return nil
}

func (w *WAVWriter) fail(err error) error {
	w.err = err
	w.pf.abort()
	return err
}

// Close implements [Writer]: it writes the remaining audio, patches the
// sizes and renames the file into place.
func (w *WAVWriter) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return nil
	}
	w.done = true
	n := w.audio.avail()
	if w.clk.frames > 0 {
		n = w.p.SampleAt(w.clk.frames) - w.audio.emitted
	}
	if err := w.emit(n); err != nil {
		return err
	}
	w.audio.drop()
	dataLen := w.w.pos - w.dataSize - 4
	if dataLen%2 == 1 {
		w.w.write([]byte{0})
	}
	w.w.patch32(w.dataSize, uint32(dataLen))
	if w.factOff >= 0 {
		w.w.patch32(w.factOff, uint32(w.written))
	}
	w.w.end(w.riffSize)
	if w.w.err != nil {
		return w.fail(fmt.Errorf("media: %w", w.w.err))
	}
	if err := w.pf.commit(); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Abort implements [Writer]: it removes the partial file.
func (w *WAVWriter) Abort() error {
	w.done = true
	if w.err == nil {
		w.err = errors.New("media: WAV writer aborted")
	}
	return w.pf.abort()
}
