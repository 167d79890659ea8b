package weights

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

// TensorInfo describes one tensor of a file. Begin and End are byte offsets
// into the data section (which starts right after the header).
type TensorInfo struct {
	Name  string
	DType backend.DType
	Shape []int
	Begin int64
	End   int64
}

// NumElements is the number of elements (the product of Shape).
func (t TensorInfo) NumElements() int { return backend.NumElements(t.Shape) }

// File is a validated safetensors file held in memory or memory-mapped. Its
// methods other than Close are safe for concurrent use. Slices it hands out
// that alias the file (Raw, and tensors a backend made by aliasing in
// Tensor) are valid until Close; a mapped file must not be truncated on disk
// while open (reading a vanished page would crash the process).
type File struct {
	data   []byte // the whole file
	h      *header
	unmap  func() error
	closed bool
}

// Parse validates a safetensors file held in data. The File aliases data,
// which must not change while the File is used.
func Parse(data []byte) (*File, error) {
	h, err := parseHeader(data)
	if err != nil {
		return nil, err
	}
	return &File{data: data, h: h}, nil
}

// Open maps the file at path read-only (or reads it where mapping is not
// available) and validates it. Close releases the mapping.
func Open(path string) (*File, error) {
	data, unmap, err := mapFile(path)
	if err != nil {
		return nil, fmt.Errorf("open weights %s: %w", path, err)
	}
	f, err := Parse(data)
	if err != nil {
		if unmap != nil {
			_ = unmap()
		}
		return nil, fmt.Errorf("open weights %s: %w", path, err)
	}
	f.unmap = unmap
	return f, nil
}

// Close releases the mapping. Slices and tensors aliasing the file must not
// be used afterwards. Calling Close again does nothing.
func (f *File) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	f.data = nil
	if f.unmap != nil {
		return f.unmap()
	}
	return nil
}

// Names returns the tensor names, sorted.
func (f *File) Names() []string { return slices.Clone(f.h.names) }

// Info describes the named tensor.
func (f *File) Info(name string) (TensorInfo, bool) {
	info, ok := f.h.infos[name]
	if !ok {
		return TensorInfo{}, false
	}
	info.Shape = slices.Clone(info.Shape)
	return info, true
}

// Metadata returns a copy of the __metadata__ map (empty if absent).
func (f *File) Metadata() map[string]string { return maps.Clone(f.h.metadata) }

// Size is the file size in bytes.
func (f *File) Size() int64 { return int64(len(f.data)) }

// Raw returns the little-endian bytes of the named tensor. The slice aliases
// the file: do not modify it, and do not use it after Close.
func (f *File) Raw(name string) ([]byte, error) {
	if f.closed {
		return nil, fmt.Errorf("tensor %s: file is closed", name)
	}
	info, ok := f.h.infos[name]
	if !ok {
		return nil, fmt.Errorf("tensor %s: not in file", name)
	}
	b, e := f.h.dataStart+info.Begin, f.h.dataStart+info.End
	return f.data[b:e:e], nil
}

// Float32 returns a float32 copy of the named tensor's values (widened from
// F16 or BF16) and its shape.
func (f *File) Float32(name string) ([]float32, []int, error) {
	raw, err := f.Raw(name)
	if err != nil {
		return nil, nil, err
	}
	info := f.h.infos[name]
	out := make([]float32, info.NumElements())
	switch info.DType {
	case backend.F32:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	case backend.F16:
		if len(out) > 0 {
			half.F16ToF32(out, raw)
		}
	case backend.BF16:
		if len(out) > 0 {
			half.BF16ToF32(out, raw)
		}
	}
	return out, slices.Clone(info.Shape), nil
}

// Tensor makes a persistent backend tensor of the named tensor with
// b.FromRaw on the file's bytes; the backend may alias them, so such tensors
// must not outlive the File.
func (f *File) Tensor(b backend.Backend, name string) (backend.Tensor, error) {
	raw, err := f.Raw(name)
	if err != nil {
		return nil, err
	}
	info := f.h.infos[name]
	t, err := b.FromRaw(info.DType, raw, info.Shape...)
	if err != nil {
		return nil, fmt.Errorf("tensor %s: %w", name, err)
	}
	return t, nil
}
