package media

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
)

// riffWriter writes RIFF chunks sequentially to a file, tracking the
// position so that sizes can be patched afterwards.
type riffWriter struct {
	f   *os.File
	bw  *bufio.Writer
	pos int64
	err error   // first write error; later writes are no-ops
	tmp [4]byte // staging for u32 and patch32 (no allocation per call)
}

func newRIFFWriter(f *os.File) *riffWriter {
	return &riffWriter{f: f, bw: bufio.NewWriterSize(f, 1<<20)}
}

// write appends b.
func (w *riffWriter) write(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.bw.Write(b)
	w.pos += int64(n)
	if err != nil {
		w.err = fmt.Errorf("write %s: %w", w.f.Name(), err)
	}
}

// writeString appends s (a chunk id or form type).
func (w *riffWriter) writeString(s string) {
	if w.err != nil {
		return
	}
	n, err := w.bw.WriteString(s)
	w.pos += int64(n)
	if err != nil {
		w.err = fmt.Errorf("write %s: %w", w.f.Name(), err)
	}
}

// u32 appends a little-endian uint32.
func (w *riffWriter) u32(v uint32) {
	binary.LittleEndian.PutUint32(w.tmp[:], v)
	w.write(w.tmp[:])
}

// chunk appends a chunk with the given id and payload, plus a pad byte when
// the payload has odd length. It returns the offset of the payload.
func (w *riffWriter) chunk(id string, data []byte) int64 {
	w.writeString(id)
	w.u32(uint32(len(data)))
	off := w.pos
	w.write(data)
	if len(data)%2 == 1 {
		w.writeString("\x00")
	}
	return off
}

// begin starts a RIFF or LIST container ("RIFF"/"LIST" + size + form type)
// and returns the offset of its size field, for end.
func (w *riffWriter) begin(id, form string) int64 {
	w.writeString(id)
	off := w.pos
	w.u32(0)
	w.writeString(form)
	return off
}

// end patches the size field at sizeOff to cover everything written since.
func (w *riffWriter) end(sizeOff int64) {
	w.patch32(sizeOff, uint32(w.pos-sizeOff-4))
}

// patch32 overwrites 4 bytes at off with v.
func (w *riffWriter) patch32(off int64, v uint32) {
	binary.LittleEndian.PutUint32(w.tmp[:], v)
	w.patch(off, w.tmp[:])
}

// patch overwrites bytes already written at off.
func (w *riffWriter) patch(off int64, b []byte) {
	w.flush()
	if w.err != nil {
		return
	}
	if _, err := w.f.WriteAt(b, off); err != nil {
		w.err = fmt.Errorf("patch %s: %w", w.f.Name(), err)
	}
}

// flush writes buffered data to the file.
func (w *riffWriter) flush() {
	if w.err != nil {
		return
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("write %s: %w", w.f.Name(), err)
	}
}

// le is a little-endian byte builder for fixed header structures.
type le []byte

func (b le) u16(v uint16) le { return binary.LittleEndian.AppendUint16(b, v) }
func (b le) u32(v uint32) le { return binary.LittleEndian.AppendUint32(b, v) }
func (b le) u64(v uint64) le { return binary.LittleEndian.AppendUint64(b, v) }
func (b le) str(s string) le { return append(b, s...) }
