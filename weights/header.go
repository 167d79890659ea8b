package weights

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lockstep-av/lockstep/backend"
)

// MaxHeaderSize caps the JSON header (100 MB, as the reference loader does),
// so a corrupt length cannot make the parser allocate without bound.
const MaxHeaderSize = 100_000_000

// metadataKey is the reserved header entry holding the string map.
const metadataKey = "__metadata__"

// FormatError reports a malformed safetensors file. Tensor names the entry at
// fault, or is empty for problems of the file as a whole.
type FormatError struct {
	Tensor string
	Msg    string
}

func (e *FormatError) Error() string {
	if e.Tensor == "" {
		return "invalid safetensors: " + e.Msg
	}
	return fmt.Sprintf("invalid safetensors: tensor %q: %s", e.Tensor, e.Msg)
}

func formatErr(tensor, format string, args ...any) error {
	return &FormatError{Tensor: tensor, Msg: fmt.Sprintf(format, args...)}
}

// knownDTypes are the safetensors dtype names this package does not load;
// they are reported by name as unsupported rather than unknown.
var knownDTypes = []string{
	"BOOL", "U8", "I8", "I16", "U16", "I32", "U32", "I64", "U64", "F64", "C64",
	"F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4",
}

// parseDType maps a safetensors dtype name to a backend dtype.
func parseDType(tensor, s string) (backend.DType, error) {
	switch s {
	case "F32":
		return backend.F32, nil
	case "F16":
		return backend.F16, nil
	case "BF16":
		return backend.BF16, nil
	}
	if slices.Contains(knownDTypes, s) {
		return 0, formatErr(tensor, "unsupported dtype %s (supported: F32, F16, BF16)", s)
	}
	return 0, formatErr(tensor, "unknown dtype %q (supported: F32, F16, BF16)", s)
}

// header is the validated content of a safetensors header.
type header struct {
	dataStart int64 // offset of the data section in the file
	infos     map[string]TensorInfo
	names     []string // sorted
	metadata  map[string]string
}

// parseHeader validates the length prefix, the JSON header and every tensor
// entry of the file held in data.
func parseHeader(data []byte) (*header, error) {
	if len(data) < 8 {
		return nil, formatErr("", "file is %d bytes, shorter than the 8-byte header length prefix", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	rest := uint64(len(data) - 8)
	if n > MaxHeaderSize {
		return nil, formatErr("", "header length %d exceeds the %d-byte limit (not a safetensors file?)", n, MaxHeaderSize)
	}
	if n > rest {
		return nil, formatErr("", "header length %d is longer than the %d bytes that follow the length prefix (file truncated?)", n, rest)
	}
	raw := data[8 : 8+n]
	if !utf8.Valid(raw) {
		return nil, formatErr("", "header is not valid UTF-8")
	}
	entries, err := decodeObject(raw)
	if err != nil {
		return nil, formatErr("", "header: %v", err)
	}
	h := &header{
		dataStart: int64(8 + n),
		infos:     make(map[string]TensorInfo, len(entries)),
		metadata:  map[string]string{},
	}
	dataLen := int64(rest - n)
	for _, e := range entries {
		if e.key == metadataKey {
			if h.metadata, err = parseMetadata(e.value); err != nil {
				return nil, err
			}
			continue
		}
		h.names = append(h.names, e.key)
	}
	slices.Sort(h.names)
	byKey := make(map[string][]byte, len(entries))
	for _, e := range entries {
		byKey[e.key] = e.value
	}
	for _, name := range h.names {
		info, err := parseEntry(name, byKey[name])
		if err != nil {
			return nil, err
		}
		h.infos[name] = info
	}
	if err := checkTruncation(h, dataLen); err != nil {
		return nil, err
	}
	if err := checkLayout(h, dataLen); err != nil {
		return nil, err
	}
	return h, nil
}

// parseEntry validates one tensor entry on its own.
func parseEntry(name string, raw []byte) (TensorInfo, error) {
	fields, err := decodeObject(raw)
	if err != nil {
		return TensorInfo{}, formatErr(name, "entry: %v", err)
	}
	var dt, shape, offs []byte
	for _, f := range fields {
		switch f.key {
		case "dtype":
			dt = f.value
		case "shape":
			shape = f.value
		case "data_offsets":
			offs = f.value
		}
	}
	for _, m := range []struct {
		key string
		v   []byte
	}{{"dtype", dt}, {"shape", shape}, {"data_offsets", offs}} {
		if m.v == nil {
			return TensorInfo{}, formatErr(name, "entry has no %q", m.key)
		}
	}
	info := TensorInfo{Name: name}
	if dt[0] != '"' {
		return TensorInfo{}, formatErr(name, "dtype is %s, not a string", clip(dt))
	}
	var dtName string
	if err := json.Unmarshal(dt, &dtName); err != nil {
		return TensorInfo{}, formatErr(name, "dtype: %v", err)
	}
	if info.DType, err = parseDType(name, dtName); err != nil {
		return TensorInfo{}, err
	}
	dims, err := intList(shape)
	if err != nil {
		return TensorInfo{}, formatErr(name, "shape: %v", err)
	}
	elems := int64(1)
	info.Shape = make([]int, len(dims))
	for i, d := range dims {
		if d < 0 {
			return TensorInfo{}, formatErr(name, "negative dimension %d in shape %v", d, dims)
		}
		if d > 0 && elems > math.MaxInt64/int64(info.DType.Size())/d {
			return TensorInfo{}, formatErr(name, "shape %v has too many elements (overflows 64 bits)", dims)
		}
		elems *= d
		if int64(int(d)) != d {
			return TensorInfo{}, formatErr(name, "dimension %d does not fit in an int", d)
		}
		info.Shape[i] = int(d)
	}
	if int64(int(elems)) != elems {
		return TensorInfo{}, formatErr(name, "shape %v has too many elements for this platform", dims)
	}
	off, err := intList(offs)
	if err != nil {
		return TensorInfo{}, formatErr(name, "data_offsets: %v", err)
	}
	if len(off) != 2 {
		return TensorInfo{}, formatErr(name, "data_offsets has %d values, want [begin, end]", len(off))
	}
	info.Begin, info.End = off[0], off[1]
	switch {
	case info.Begin < 0 || info.End < 0:
		return TensorInfo{}, formatErr(name, "negative data offset in [%d, %d]", info.Begin, info.End)
	case info.Begin > info.End:
		return TensorInfo{}, formatErr(name, "data_offsets begin %d is after end %d", info.Begin, info.End)
	}
	if want := elems * int64(info.DType.Size()); info.End-info.Begin != want {
		return TensorInfo{}, formatErr(name, "byte size mismatch: data_offsets [%d, %d] hold %d bytes but %s %v needs %d",
			info.Begin, info.End, info.End-info.Begin, info.DType, info.Shape, want)
	}
	return info, nil
}

// checkTruncation reports the tensor reaching furthest past the end of the
// data section, so the message gives the full number of missing bytes.
func checkTruncation(h *header, dataLen int64) error {
	last := ""
	for _, name := range h.names {
		if last == "" || h.infos[name].End > h.infos[last].End {
			last = name
		}
	}
	if end := h.infos[last].End; last != "" && end > dataLen {
		return formatErr(last, "file truncated: tensor ends at byte %d of the data section, which holds only %d bytes (%d bytes missing)",
			end, dataLen, end-dataLen)
	}
	return nil
}

// checkLayout rejects overlapping tensors and, as the reference loader does,
// gaps between tensors and bytes after the last one.
func checkLayout(h *header, dataLen int64) error {
	order := slices.Clone(h.names)
	slices.SortFunc(order, func(a, b string) int {
		ia, ib := h.infos[a], h.infos[b]
		if c := cmpInt64(ia.Begin, ib.Begin); c != 0 {
			return c
		}
		if c := cmpInt64(ia.End, ib.End); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	var pos int64
	prev := ""
	for _, name := range order {
		info := h.infos[name]
		switch {
		case info.Begin < pos:
			return formatErr(name, "overlaps tensor %q: bytes [%d, %d) start before %q ends at %d", prev, info.Begin, info.End, prev, pos)
		case info.Begin > pos:
			return formatErr(name, "gap of %d bytes before the tensor (data section bytes [%d, %d) belong to no tensor)", info.Begin-pos, pos, info.Begin)
		}
		pos, prev = info.End, name
	}
	if pos != dataLen {
		return formatErr("", "%d trailing bytes after the last tensor (data section is %d bytes, tensors cover %d)", dataLen-pos, dataLen, pos)
	}
	return nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// parseMetadata decodes the __metadata__ entry, which must map strings to
// strings (null means none).
func parseMetadata(raw []byte) (map[string]string, error) {
	md := map[string]string{}
	if string(raw) == "null" {
		return md, nil
	}
	fields, err := decodeObject(raw)
	if err != nil {
		return nil, formatErr("", "__metadata__: %v", err)
	}
	for _, f := range fields {
		if f.value[0] != '"' {
			return nil, formatErr("", "__metadata__ value of key %q is %s, not a string", f.key, clip(f.value))
		}
		var s string
		if err := json.Unmarshal(f.value, &s); err != nil {
			return nil, formatErr("", "__metadata__ key %q: %v", f.key, err)
		}
		md[f.key] = s
	}
	return md, nil
}

// member is one key of a JSON object with its undecoded value.
type member struct {
	key   string
	value []byte
}

// decodeObject splits one JSON object into its members, in order, rejecting
// duplicate keys and anything but whitespace after the object.
func decodeObject(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not a JSON object (starts with %s)", clip(raw))
	}
	var out []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not valid JSON: %v", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("not valid JSON: object key %v is not a string", tok)
		}
		if seen[key] {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("not valid JSON: value of %q: %v", key, err)
		}
		out = append(out, member{key: key, value: bytes.TrimSpace(v)})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON object")
	}
	return out, nil
}

// intList decodes a JSON array of integers (no fractions, exponents or
// quoted numbers).
func intList(raw []byte) ([]int64, error) {
	if raw[0] != '[' {
		return nil, fmt.Errorf("%s is not an array of integers", clip(raw))
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	out := make([]int64, len(items))
	for i, it := range items {
		v, err := strconv.ParseInt(string(bytes.TrimSpace(it)), 10, 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return nil, fmt.Errorf("value %s out of range", clip(it))
			}
			return nil, fmt.Errorf("value %s is not an integer", clip(it))
		}
		out[i] = v
	}
	return out, nil
}

// clip shortens a JSON fragment for an error message.
func clip(b []byte) string {
	const n = 40
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
