package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestOutputIndependentOfWorkers writes the same small data set with one and
// with three workers and compares every file byte for byte.
func TestOutputIndependentOfWorkers(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := run(&cli{Out: a, N: 5, Seed: 3, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if err := run(&cli{Out: b, N: 5, Seed: 3, Workers: 3, Preview: true, PreviewN: 2, PreviewColumns: 8}); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(a, "*"))
	if err != nil || len(files) != 5*3+2 {
		t.Fatalf("got %d files (%v), want %d", len(files), err, 5*3+2)
	}
	for _, f := range files {
		x, err1 := os.ReadFile(f)
		y, err2 := os.ReadFile(filepath.Join(b, filepath.Base(f)))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between 1 and 3 workers (%v, %v)", filepath.Base(f), err1, err2)
		}
	}
	for _, p := range []string{"preview/sheet.png", "preview/clip_000000.wav", "preview/clip_000001.wav"} {
		if _, err := os.Stat(filepath.Join(b, p)); err != nil {
			t.Error(err)
		}
	}
	m, err := os.Open(filepath.Join(a, "manifest.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	sc := bufio.NewScanner(m)
	for i := 0; sc.Scan(); i++ {
		var l manifestLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil || l.Index != i || l.Caption == "" {
			t.Errorf("manifest line %d: %+v (%v)", i, l, err)
		}
	}
}
