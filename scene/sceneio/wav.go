package sceneio

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// WriteWAV writes mono samples in [-1, 1] as a 16-bit PCM RIFF/WAVE file at
// the given sample rate; samples outside the range are clipped.
func WriteWAV(w io.Writer, samples []float32, sampleRate int) error {
	const bits, channels = 16, 1
	dataLen := 2 * len(samples)
	buf := make([]byte, 0, 44+dataLen)
	le := binary.LittleEndian
	buf = append(buf, "RIFF"...)
	buf = le.AppendUint32(buf, uint32(36+dataLen))
	buf = append(buf, "WAVEfmt "...)
	buf = le.AppendUint32(buf, 16) // fmt chunk size
	buf = le.AppendUint16(buf, 1)  // PCM
	buf = le.AppendUint16(buf, channels)
	buf = le.AppendUint32(buf, uint32(sampleRate))
	buf = le.AppendUint32(buf, uint32(sampleRate*channels*bits/8)) // byte rate
	buf = le.AppendUint16(buf, channels*bits/8)                    // block align
	buf = le.AppendUint16(buf, bits)
	buf = append(buf, "data"...)
	buf = le.AppendUint32(buf, uint32(dataLen))
	for _, v := range samples {
		x := math.Round(math.Max(-1, math.Min(1, float64(v))) * 32767)
		buf = le.AppendUint16(buf, uint16(int16(x)))
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("write wav: %w", err)
	}
	return nil
}
