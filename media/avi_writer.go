package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math"
)

// AVI constants (Microsoft AVI / OpenDML 1.02).
const (
	aviHasIndex      = 0x10  // AVIF_HASINDEX
	aviIsInterleaved = 0x100 // AVIF_ISINTERLEAVED
	aviKeyframe      = 0x10  // AVIIF_KEYFRAME
	indexOfIndexes   = 0x00  // AVI_INDEX_OF_INDEXES
	indexOfChunks    = 0x01  // AVI_INDEX_OF_CHUNKS
	superIndexSlots  = 256   // reserved super index entries per stream
	dmlhSize         = 248
)

// AVIWriter writes an AVI file with MJPEG video and 16-bit PCM audio
// interleaved per frame: each '00dc' frame chunk is followed by the '01wb'
// chunk of exactly that frame's audio interval. The first RIFF 'AVI '
// segment carries a legacy idx1 index; every segment carries OpenDML
// standard indexes (ix00, ix01) referenced from the 'indx' super indexes in
// the header, and segments after the first are RIFF 'AVIX'. Headers are
// rewritten on Close.
type AVIWriter struct {
	p     Params
	pf    *partialFile
	w     *riffWriter
	clk   clock
	audio audioQueue
	hasA  bool
	jpg   jpegBuffer
	jopt  jpeg.Options
	pcm   []byte
	err   error
	done  bool

	riffSize int64 // offset of the current RIFF size field
	moviSize int64 // offset of the current movi LIST size field
	seg      int   // current segment number
	ix       [2][]ixEntry
	idx1     []byte // legacy index entries of segment 0
	super    [2][]superEntry
	seg0Fr   int // frames in segment 0 (avih dwTotalFrames)

	aframes  int // audio chunks written (frame intervals)
	maxV     int // largest video chunk
	maxA     int // largest audio chunk
	hdrBytes int // size of the hdrl LIST written at offset 12
}

// ixEntry is one standard index entry: absolute data offset and size.
type ixEntry struct {
	off  int64
	size uint32
}

// superEntry is one super index entry.
type superEntry struct {
	off      int64
	size     uint32
	duration uint32
}

// CreateAVI creates an AVI writer for path (see [AVIWriter]).
func CreateAVI(path string, p Params) (*AVIWriter, error) {
	p = p.withDefaults()
	if err := p.validate(true, p.SampleRate > 0); err != nil {
		return nil, fmt.Errorf("%w (writing %s)", err, path)
	}
	pf, err := createPartial(path)
	if err != nil {
		return nil, err
	}
	a := &AVIWriter{p: p, pf: pf, w: newRIFFWriter(pf.f), clk: clock{p: p}, hasA: p.SampleRate > 0, jopt: jpeg.Options{Quality: p.JPEGQuality}}
	a.audio.ch = p.Channels
	a.riffSize = a.w.begin("RIFF", "AVI ")
	hdr := a.header()
	a.hdrBytes = len(hdr)
	a.w.write(hdr)
	a.moviSize = a.w.begin("LIST", "movi")
	if a.w.err != nil {
		pf.abort()
		return nil, fmt.Errorf("media: %w", a.w.err)
	}
	return a, nil
}

// WriteWindow implements [Writer].
func (a *AVIWriter) WriteWindow(frames []*image.RGBA, audio []float32) error {
	if a.err != nil {
		return a.err
	}
	if a.done {
		return errors.New("media: AVI writer already closed")
	}
	if err := a.clk.check(frames, audio, true); err != nil {
		return a.fail(err)
	}
	a.clk.advance(len(frames), len(audio))
	if a.hasA {
		a.audio.push(audio)
	}
	for _, f := range frames {
		a.jpg.Reset()
		if err := jpeg.Encode(&a.jpg, f, &a.jopt); err != nil {
			return a.fail(fmt.Errorf("media: encode frame %d: %w", a.frameCount(), err))
		}
		a.maybeSplit(a.jpg.Len() + 8 + 2*a.p.SamplesInFrame(a.frameCount())*a.p.Channels + 8)
		a.writeChunk(0, "00dc", a.jpg.Bytes())
		if a.hasA {
			a.flushAudio(false)
		}
		if a.w.err != nil {
			return a.fail(fmt.Errorf("media: %w", a.w.err))
		}
	}
	return nil
}

// jpegBuffer is a bytes.Buffer with a no-op Flush, so that jpeg.Encode
// writes into it directly instead of wrapping it in a new bufio.Writer for
// every frame.
type jpegBuffer struct{ bytes.Buffer }

// Flush does nothing: the bytes are already in the buffer.
func (*jpegBuffer) Flush() error { return nil }

// frameCount returns the number of video chunks written.
func (a *AVIWriter) frameCount() int {
	n := 0
	for _, s := range a.super[0] {
		n += int(s.duration)
	}
	return n + len(a.ix[0])
}

// flushAudio writes the audio chunks of every frame interval that is
// complete in the queue (all intervals up to the frames written when
// final, padding with silence).
func (a *AVIWriter) flushAudio(final bool) {
	nf := a.frameCount()
	for a.aframes < nf {
		n := a.p.SamplesInFrame(a.aframes)
		if !final && a.audio.avail() < n {
			return
		}
		vals := a.audio.take(n)
		a.pcm = a.pcm[:0]
		for _, v := range vals {
			a.pcm = binary.LittleEndian.AppendUint16(a.pcm, uint16(toPCM16(v)))
		}
		a.aframes++
		if len(a.pcm) > 0 {
			a.writeChunk(1, "01wb", a.pcm)
		}
	}
}

// writeChunk appends a data chunk to the movi list and indexes it.
func (a *AVIWriter) writeChunk(stream int, id string, data []byte) {
	off := a.w.chunk(id, data)
	a.ix[stream] = append(a.ix[stream], ixEntry{off: off, size: uint32(len(data))})
	if stream == 0 {
		a.maxV = max(a.maxV, len(data))
	} else {
		a.maxA = max(a.maxA, len(data))
	}
	if a.seg == 0 {
		moviFourCC := a.moviSize + 4
		a.idx1 = le(a.idx1).str(id).u32(aviKeyframe).u32(uint32(off - 8 - moviFourCC)).u32(uint32(len(data)))
	}
}

// indexBytes returns the bytes the current segment's indexes will take.
func (a *AVIWriter) indexBytes(extra int) int64 {
	n := int64(0)
	for s := range a.ix {
		n += 32 + 8*int64(len(a.ix[s])+extra)
	}
	if a.seg == 0 {
		n += 8 + int64(len(a.idx1)) + 32*int64(extra)
	}
	return n
}

// maybeSplit starts a new RIFF segment if adding next bytes (a frame and
// its audio) would take the current one past the limit.
func (a *AVIWriter) maybeSplit(next int) {
	if len(a.ix[0]) == 0 {
		return
	}
	size := a.w.pos - a.riffSize + int64(next) + a.indexBytes(1)
	if size <= a.p.RIFFLimit {
		return
	}
	// Audio still pending for earlier frames (if the caller's audio lags)
	// simply lands in the next segment, which indexes its own chunks.
	a.endSegment()
	a.seg++
	a.riffSize = a.w.begin("RIFF", "AVIX")
	a.moviSize = a.w.begin("LIST", "movi")
}

// endSegment writes the segment's standard indexes, closes its movi list
// (and idx1 for segment 0) and patches the RIFF size.
func (a *AVIWriter) endSegment() {
	if a.seg == 0 {
		a.seg0Fr = len(a.ix[0])
	}
	for s, ids := range [2][2]string{{"ix00", "00dc"}, {"ix01", "01wb"}} {
		ents := a.ix[s]
		if len(ents) == 0 {
			continue
		}
		if len(a.super[s]) == superIndexSlots {
			a.w.err = fmt.Errorf("more than %d RIFF segments (raise Params.RIFFLimit)", superIndexSlots)
			return
		}
		base := a.moviSize + 4
		b := le(make([]byte, 0, 24+8*len(ents))).u16(2).u16(uint16(indexOfChunks) << 8).u32(uint32(len(ents))).str(ids[1]).u64(uint64(base)).u32(0)
		dur := uint32(len(ents))
		if s == 1 {
			dur = 0
			for _, e := range ents {
				b = b.u32(uint32(e.off - base)).u32(e.size)
				dur += e.size / uint32(2*a.p.Channels)
			}
		} else {
			for _, e := range ents {
				b = b.u32(uint32(e.off - base)).u32(e.size)
			}
		}
		start := a.w.pos
		a.w.chunk(ids[0], b)
		a.super[s] = append(a.super[s], superEntry{off: start, size: uint32(a.w.pos - start), duration: dur})
		a.ix[s] = a.ix[s][:0]
	}
	a.w.end(a.moviSize)
	if a.seg == 0 {
		a.w.chunk("idx1", a.idx1)
		a.idx1 = nil
	}
	a.w.end(a.riffSize)
}

// header builds the hdrl LIST from the current state. Its size does not
// depend on the state, so Close can rewrite it in place.
func (a *AVIWriter) header() []byte {
	p := a.p
	nstreams := 1
	if a.hasA {
		nstreams = 2
	}
	total := a.frameCount()
	first := a.seg0Fr
	if a.seg == 0 {
		first = total
	}
	usPerFrame := uint32(math.Round(1e6 * float64(p.FPSDen) / float64(p.FPSNum)))
	bps := uint32(math.Min(float64(a.maxV)*p.FPS()+float64(2*p.Channels*p.SampleRate), math.MaxUint32))
	avih := le(nil).u32(usPerFrame).u32(bps).u32(0).u32(aviHasIndex | aviIsInterleaved).
		u32(uint32(first)).u32(0).u32(uint32(nstreams)).u32(uint32(max(a.maxV, a.maxA) + 8)).
		u32(uint32(p.Width)).u32(uint32(p.Height)).u32(0).u32(0).u32(0).u32(0)

	vstrh := le(nil).str("vids").str("MJPG").u32(0).u16(0).u16(0).u32(0).
		u32(uint32(p.FPSDen)).u32(uint32(p.FPSNum)).u32(0).u32(uint32(total)).
		u32(uint32(a.maxV)).u32(math.MaxUint32).u32(0).
		u16(0).u16(0).u16(uint16(p.Width)).u16(uint16(p.Height))
	vstrf := le(nil).u32(40).u32(uint32(p.Width)).u32(uint32(p.Height)).u16(1).u16(24).
		str("MJPG").u32(uint32(p.Width * p.Height * 3)).u32(0).u32(0).u32(0).u32(0)

	var body bytes.Buffer
	chunk := func(b *bytes.Buffer, id string, data []byte) {
		b.WriteString(id)
		binary.Write(b, binary.LittleEndian, uint32(len(data)))
		b.Write(data)
		if len(data)%2 == 1 {
			b.WriteByte(0)
		}
	}
	list := func(form string, inner []byte) []byte {
		return append(le(nil).str("LIST").u32(uint32(len(inner)+4)).str(form), inner...)
	}
	superIndex := func(s int, id string) []byte {
		b := le(make([]byte, 0, 24+16*superIndexSlots)).u16(4).u16(indexOfIndexes << 8).
			u32(uint32(len(a.super[s]))).str(id).u32(0).u32(0).u32(0)
		for _, e := range a.super[s] {
			b = b.u64(uint64(e.off)).u32(e.size).u32(e.duration)
		}
		return append(b, make([]byte, 24+16*superIndexSlots-len(b))...)
	}

	chunk(&body, "avih", avih)
	var strl bytes.Buffer
	chunk(&strl, "strh", vstrh)
	chunk(&strl, "strf", vstrf)
	chunk(&strl, "indx", superIndex(0, "00dc"))
	body.Write(list("strl", strl.Bytes()))
	if a.hasA {
		block := uint16(2 * p.Channels)
		samples := p.SampleAt(total)
		astrh := le(nil).str("auds").u32(0).u32(0).u16(0).u16(0).u32(0).
			u32(1).u32(uint32(p.SampleRate)).u32(0).u32(uint32(samples)).
			u32(uint32(a.maxA)).u32(math.MaxUint32).u32(uint32(block)).
			u16(0).u16(0).u16(0).u16(0)
		astrf := le(nil).u16(1).u16(uint16(p.Channels)).u32(uint32(p.SampleRate)).
			u32(uint32(p.SampleRate) * uint32(block)).u16(block).u16(16).u16(0)
		strl.Reset()
		chunk(&strl, "strh", astrh)
		chunk(&strl, "strf", astrf)
		chunk(&strl, "indx", superIndex(1, "01wb"))
		body.Write(list("strl", strl.Bytes()))
	}
	var odml bytes.Buffer
	chunk(&odml, "dmlh", append(le(nil).u32(uint32(total)), make([]byte, dmlhSize-4)...))
	body.Write(list("odml", odml.Bytes()))
	return list("hdrl", body.Bytes())
}

// fail records err, aborts the output and returns err.
func (a *AVIWriter) fail(err error) error {
	a.err = err
	a.pf.abort()
	return err
}

// Close implements [Writer]: it writes the remaining audio (padded with
// silence to round(frames/fps·sr) samples), the last segment's indexes and
// the final headers, and renames the file into place.
func (a *AVIWriter) Close() error {
	if a.err != nil {
		return a.err
	}
	if a.done {
		return nil
	}
	a.done = true
	if a.hasA {
		a.flushAudio(true)
		a.audio.drop()
	}
	a.endSegment()
	hdr := a.header()
	if len(hdr) != a.hdrBytes {
		return a.fail(fmt.Errorf("media: internal error: AVI header changed size %d -> %d", a.hdrBytes, len(hdr)))
	}
	a.w.patch(12, hdr)
	if a.w.err != nil {
		return a.fail(fmt.Errorf("media: %w", a.w.err))
	}
	if err := a.pf.commit(); err != nil {
		a.err = err
		return err
	}
	return nil
}

// Abort implements [Writer]: it removes the partial file.
func (a *AVIWriter) Abort() error {
	a.done = true
	if a.err == nil {
		a.err = errors.New("media: AVI writer aborted")
	}
	return a.pf.abort()
}
