package weights

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// rawFile assembles a file from a literal header and data section.
func rawFile(header string, data []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	out = append(out, header...)
	return append(out, data...)
}

// prefixOnly is a bare length prefix claiming n header bytes.
func prefixOnly(n uint64, rest int) []byte {
	return append(binary.LittleEndian.AppendUint64(nil, n), make([]byte, rest)...)
}

// entry is the header text of a one-tensor file.
func entry(name, body string) string { return `{"` + name + `":` + body + `}` }

// badFiles are hand-made malformed files, each with the substring its error
// must contain and the tensor the error must name ("" for the whole file).
var badFiles = []struct {
	name, want, tensor string
	data               []byte
}{
	{"empty", "file is 0 bytes, shorter than the 8-byte header length prefix", "", nil},
	{"short", "file is 5 bytes, shorter than the 8-byte", "", []byte("abcde")},
	{"header over cap", "header length 200000000 exceeds the 100000000-byte limit", "", prefixOnly(200_000_000, 16)},
	{"header longer than file", "header length 100 is longer than the 10 bytes that follow", "", prefixOnly(100, 10)},
	{"not utf8", "header is not valid UTF-8", "", rawFile("{\"\xff\":1}", nil)},
	{"bad json", "header: not valid JSON", "", rawFile(`{"a":{"dtype":`, nil)},
	{"not object", "header: not a JSON object", "", rawFile(`[1,2,3]`, nil)},
	{"trailing garbage", "header: unexpected data after the JSON object", "", rawFile(`{} x`, nil)},
	{"duplicate", `header: duplicate key "w"`, "", rawFile(`{"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`, make([]byte, 4))},
	{"entry not object", "entry: not a JSON object", "w", rawFile(entry("w", `[1]`), nil)},
	{"no dtype", `entry has no "dtype"`, "w", rawFile(entry("w", `{"shape":[1],"data_offsets":[0,4]}`), make([]byte, 4))},
	{"no shape", `entry has no "shape"`, "w", rawFile(entry("w", `{"dtype":"F32","data_offsets":[0,4]}`), make([]byte, 4))},
	{"no offsets", `entry has no "data_offsets"`, "w", rawFile(entry("w", `{"dtype":"F32","shape":[1]}`), make([]byte, 4))},
	{"dtype not string", "dtype is 32, not a string", "w", rawFile(entry("w", `{"dtype":32,"shape":[1],"data_offsets":[0,4]}`), make([]byte, 4))},
	{"unsupported F64", "unsupported dtype F64 (supported: F32, F16, BF16)", "w", rawFile(entry("w", `{"dtype":"F64","shape":[1],"data_offsets":[0,8]}`), make([]byte, 8))},
	{"unsupported I64", "unsupported dtype I64", "w", rawFile(entry("w", `{"dtype":"I64","shape":[1],"data_offsets":[0,8]}`), make([]byte, 8))},
	{"unsupported F8", "unsupported dtype F8_E4M3", "w", rawFile(entry("w", `{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}`), make([]byte, 1))},
	{"unknown dtype", `unknown dtype "Q7"`, "w", rawFile(entry("w", `{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}`), make([]byte, 4))},
	{"shape not array", `shape: "2x2" is not an array`, "w", rawFile(entry("w", `{"dtype":"F32","shape":"2x2","data_offsets":[0,16]}`), make([]byte, 16))},
	{"fractional dim", "shape: value 1.5 is not an integer", "w", rawFile(entry("w", `{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}`), make([]byte, 4))},
	{"huge dim", "shape: value 99999999999999999999 out of range", "w", rawFile(entry("w", `{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}`), make([]byte, 4))},
	{"negative dim", "negative dimension -2 in shape [-2 2]", "w", rawFile(entry("w", `{"dtype":"F32","shape":[-2,2],"data_offsets":[0,16]}`), make([]byte, 16))},
	{"element overflow", "shape [4294967296 4294967296] has too many elements", "w", rawFile(entry("w", `{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}`), make([]byte, 4))},
	{"offsets count", "data_offsets has 3 values, want [begin, end]", "w", rawFile(entry("w", `{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}`), make([]byte, 8))},
	{"negative offset", "negative data offset in [-4, 0]", "w", rawFile(entry("w", `{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}`), make([]byte, 4))},
	{"begin after end", "data_offsets begin 8 is after end 4", "w", rawFile(entry("w", `{"dtype":"F32","shape":[1],"data_offsets":[8,4]}`), make([]byte, 8))},
	{"wrong byte count", "byte size mismatch: data_offsets [0, 8] hold 8 bytes but F32 [3] needs 12", "w", rawFile(entry("w", `{"dtype":"F32","shape":[3],"data_offsets":[0,8]}`), make([]byte, 8))},
	{"truncated", "file truncated: tensor ends at byte 16 of the data section, which holds only 10 bytes (6 bytes missing)", "w", rawFile(entry("w", `{"dtype":"F32","shape":[4],"data_offsets":[0,16]}`), make([]byte, 10))},
	{"overlap", `overlaps tensor "a": bytes [4, 12) start before "a" ends at 8`, "b", rawFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, make([]byte, 12))},
	{"gap", "gap of 4 bytes before the tensor (data section bytes [8, 12) belong to no tensor)", "b", rawFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}`, make([]byte, 16))},
	{"trailing bytes", "3 trailing bytes after the last tensor", "", rawFile(entry("w", `{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`), make([]byte, 7))},
	{"metadata not object", "__metadata__: not a JSON object", "", rawFile(`{"__metadata__":["a"]}`, nil)},
	{"metadata not string", `__metadata__ value of key "n" is 3, not a string`, "", rawFile(`{"__metadata__":{"n":3}}`, nil)},
	{"metadata duplicate", `__metadata__: duplicate key "k"`, "", rawFile(`{"__metadata__":{"k":"a","k":"b"}}`, nil)},
}

func TestBadFiles(t *testing.T) {
	seen := map[string]string{}
	for _, tc := range badFiles {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.data)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q\nwant it to contain %q", msg, tc.want)
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T is not a *FormatError", err)
			}
			if fe.Tensor != tc.tensor {
				t.Errorf("error names tensor %q, want %q", fe.Tensor, tc.tensor)
			}
			if other, dup := seen[msg]; dup {
				t.Errorf("same error as case %q: %s", other, msg)
			}
			seen[msg] = tc.name
		})
	}
}

// Files the format allows: empty header, null metadata, padding, zero-size
// tensors sharing an offset, unknown entry keys (ignored).
func TestGoodFiles(t *testing.T) {
	for _, tc := range []struct {
		name    string
		data    []byte
		tensors int
	}{
		{"empty header", rawFile(`{}`, nil), 0},
		{"padded", rawFile(`{}      `, nil), 0},
		{"null metadata", rawFile(`{"__metadata__":null}`, nil), 0},
		{"zero-size tensors", rawFile(`{"a":{"dtype":"F16","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"BF16","shape":[2,0],"data_offsets":[0,0]},"c":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), 3},
		{"extra keys", rawFile(entry("w", `{"dtype":"F32","shape":[],"data_offsets":[0,4],"note":"x"}`), make([]byte, 4)), 1},
		{"out of order", rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 8)), 2},
	} {
		f, err := Parse(tc.data)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(f.Names()) != tc.tensors {
			t.Errorf("%s: %d tensors, want %d", tc.name, len(f.Names()), tc.tensors)
		}
	}
}

// Open reports the path and the validation error for a bad file on disk.
func TestOpenBadFile(t *testing.T) {
	path := t.TempDir() + "/bad.safetensors"
	good := encode(t, []Named{NamedF32("w", []int{4}, seq(4))}, nil)
	if err := writeFile(path, good[:len(good)-3]); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "(3 bytes missing)") {
		t.Errorf("got %v", err)
	}
}
