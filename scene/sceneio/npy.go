package sceneio

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// The .npy format (version 1.0) is the magic "\x93NUMPY", the version bytes
// 1 0, a little-endian uint16 header length, and an ASCII Python dict literal
// padded with spaces and ended by '\n' so that the data starts at a multiple
// of 64 bytes; the raw C-order array follows. numpy.load reads it directly;
// numpy.load(path, mmap_mode="r") maps it without copying.

// writeNpyHeader writes the header of a C-order array of dtype descr
// ("|u1", "<f4") and the given shape.
func writeNpyHeader(w io.Writer, descr string, shape []int) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, tuple)
	const preamble = 10 // magic (6) + version (2) + length (2)
	total := preamble + len(dict) + 1
	pad := (64 - total%64) % 64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	buf := make([]byte, 0, preamble+len(hdr))
	buf = append(buf, "\x93NUMPY\x01\x00"...)
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(hdr)))
	buf = append(buf, hdr...)
	_, err := w.Write(buf)
	return err
}

// WriteNpyUint8 writes data as a uint8 .npy array of the given shape.
func WriteNpyUint8(w io.Writer, data []uint8, shape ...int) error {
	if n := prod(shape); n != len(data) {
		panic(fmt.Sprintf("sceneio: %d bytes for shape %v (%d elements)", len(data), shape, n))
	}
	if err := writeNpyHeader(w, "|u1", shape); err != nil {
		return fmt.Errorf("write npy header: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write npy data: %w", err)
	}
	return nil
}

// WriteNpyFloat32 writes data as a little-endian float32 .npy array of the
// given shape.
func WriteNpyFloat32(w io.Writer, data []float32, shape ...int) error {
	if n := prod(shape); n != len(data) {
		panic(fmt.Sprintf("sceneio: %d floats for shape %v (%d elements)", len(data), shape, n))
	}
	if err := writeNpyHeader(w, "<f4", shape); err != nil {
		return fmt.Errorf("write npy header: %w", err)
	}
	raw := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("write npy data: %w", err)
	}
	return nil
}

func prod(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
