package scene

import (
	"bytes"
	"encoding/json"
	"math"
	"sync"
	"testing"
)

// clipBytes serialises everything a clip writes, for byte comparisons.
func clipBytes(t *testing.T, c *Clip) []byte {
	t.Helper()
	js, err := json.Marshal(c.Truth)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.Write(c.Frames)
	for _, v := range c.Audio {
		bits := math.Float32bits(v)
		b.Write([]byte{byte(bits), byte(bits >> 8), byte(bits >> 16), byte(bits >> 24)})
	}
	b.Write(js)
	return b.Bytes()
}

func TestDeterminism(t *testing.T) {
	const n = 8
	serial := make([][]byte, n)
	for i := range n {
		serial[i] = clipBytes(t, Generate(42, i))
	}
	// Concurrent generation, in reverse order, must give the same bytes.
	concurrent := make([][]byte, n)
	var wg sync.WaitGroup
	for i := n - 1; i >= 0; i-- {
		wg.Go(func() { concurrent[i] = clipBytes(t, Generate(42, i)) })
	}
	wg.Wait()
	for i := range n {
		if !bytes.Equal(serial[i], concurrent[i]) {
			t.Errorf("clip %d: serial and concurrent generation differ", i)
		}
		if i > 0 && bytes.Equal(serial[i], serial[i-1]) {
			t.Errorf("clips %d and %d are identical", i-1, i)
		}
	}
	if bytes.Equal(clipBytes(t, Generate(43, 0)), serial[0]) {
		t.Error("seeds 42 and 43 give the same clip 0")
	}
}

func TestClipRNGStreamsDiffer(t *testing.T) {
	a, b, c := ClipRNG(1, 0), ClipRNG(1, 1), clipStream(1, 0, 1)
	x, y, z := a.Uint64(), b.Uint64(), c.Uint64()
	if x == y || x == z || y == z {
		t.Errorf("streams collide: %x %x %x", x, y, z)
	}
}
