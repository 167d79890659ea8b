package weights

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/half"
)

// Named is a tensor to write: little-endian Data of DType with Shape.
type Named struct {
	Name  string
	DType backend.DType
	Shape []int
	Data  []byte
}

// NamedF32 stores data as an F32 tensor.
func NamedF32(name string, shape []int, data []float32) Named {
	raw := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	return Named{Name: name, DType: backend.F32, Shape: slices.Clone(shape), Data: raw}
}

// NamedF16 stores data as an F16 tensor (rounded to nearest even).
func NamedF16(name string, shape []int, data []float32) Named {
	raw := make([]byte, 2*len(data))
	if len(data) > 0 {
		half.F32ToF16(raw, data)
	}
	return Named{Name: name, DType: backend.F16, Shape: slices.Clone(shape), Data: raw}
}

// NamedBF16 stores data as a BF16 tensor (rounded to nearest even).
func NamedBF16(name string, shape []int, data []float32) Named {
	raw := make([]byte, 2*len(data))
	if len(data) > 0 {
		half.F32ToBF16(raw, data)
	}
	return Named{Name: name, DType: backend.BF16, Shape: slices.Clone(shape), Data: raw}
}

// Writer collects tensors and metadata and writes them as one safetensors
// file. The zero value is ready to use.
type Writer struct {
	tensors  []Named
	metadata map[string]string
}

// Add queues tensors; their Data is not copied and must not change before
// WriteTo.
func (w *Writer) Add(ts ...Named) { w.tensors = append(w.tensors, ts...) }

// AddF32 queues an F32 tensor.
func (w *Writer) AddF32(name string, shape []int, data []float32) {
	w.Add(NamedF32(name, shape, data))
}

// SetMetadata sets one __metadata__ entry.
func (w *Writer) SetMetadata(key, value string) {
	if w.metadata == nil {
		w.metadata = map[string]string{}
	}
	w.metadata[key] = value
}

// WriteTo writes the file to out.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	cw := &countWriter{w: out}
	err := Write(cw, w.tensors, w.metadata)
	return cw.n, err
}

// WriteFile writes the file to path.
func (w *Writer) WriteFile(path string) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(fh)
	if _, err := w.WriteTo(bw); err != nil {
		fh.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		fh.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return fh.Close()
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// entryJSON is one header entry; the field order is the conventional one.
type entryJSON struct {
	DType       string  `json:"dtype"`
	Shape       []int   `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

// Write writes tensors (stored sorted by name, contiguously) and metadata
// as a safetensors file. It checks that names are unique and that each
// tensor's Data has dtype size x elements bytes.
func Write(w io.Writer, tensors []Named, metadata map[string]string) error {
	ts := slices.Clone(tensors)
	slices.SortFunc(ts, func(a, b Named) int { return strings.Compare(a.Name, b.Name) })
	hdr := make(map[string]any, len(ts)+1)
	var off int64
	for i, t := range ts {
		if t.Name == metadataKey {
			return fmt.Errorf("write safetensors: tensor name %s is reserved", metadataKey)
		}
		if i > 0 && ts[i-1].Name == t.Name {
			return fmt.Errorf("write safetensors: duplicate tensor %s", t.Name)
		}
		switch t.DType {
		case backend.F32, backend.F16, backend.BF16:
		default:
			return fmt.Errorf("write safetensors: tensor %s: unsupported dtype %v", t.Name, t.DType)
		}
		if slices.ContainsFunc(t.Shape, func(d int) bool { return d < 0 }) {
			return fmt.Errorf("write safetensors: tensor %s: negative dimension in shape %v", t.Name, t.Shape)
		}
		if want := backend.NumElements(t.Shape) * t.DType.Size(); len(t.Data) != want {
			return fmt.Errorf("write safetensors: tensor %s: %d bytes for %v %v (want %d)", t.Name, len(t.Data), t.DType, t.Shape, want)
		}
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		end := off + int64(len(t.Data))
		hdr[t.Name] = entryJSON{DType: t.DType.String(), Shape: shape, DataOffsets: []int64{off, end}}
		off = end
	}
	if len(metadata) > 0 {
		hdr[metadataKey] = metadata
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return fmt.Errorf("write safetensors: header: %w", err)
	}
	if pad := (8 - len(js)%8) % 8; pad > 0 {
		js = append(js, strings.Repeat(" ", pad)...)
	}
	var prefix [8]byte
	binary.LittleEndian.PutUint64(prefix[:], uint64(len(js)))
	if _, err := w.Write(prefix[:]); err != nil {
		return fmt.Errorf("write safetensors: %w", err)
	}
	if _, err := w.Write(js); err != nil {
		return fmt.Errorf("write safetensors: %w", err)
	}
	for _, t := range ts {
		if _, err := w.Write(t.Data); err != nil {
			return fmt.Errorf("write safetensors: tensor %s: %w", t.Name, err)
		}
	}
	return nil
}
