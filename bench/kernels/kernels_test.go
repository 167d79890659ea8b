package kernels

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// quick keeps the tests' timing loops to one run.
var quick = Timing{MinRuns: 1, MaxRuns: 1, MinTime: time.Nanosecond}

func TestMedianOf(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := medianOf(append([]float64(nil), tc.in...)); got != tc.want {
			t.Errorf("medianOf(%v) = %g, want %g", tc.in, got, tc.want)
		}
	}
}

// TestKernelsSmall runs every kernel group at small shapes and checks the
// records' fields and their JSON and table forms.
func TestKernelsSmall(t *testing.T) {
	var recs []Record
	r, err := GEMM([]GEMMShape{{33, 40, 17, "small"}}, []string{GEMMF32, GEMMBF16W, GEMMBF16}, 2, quick)
	if err != nil {
		t.Fatal(err)
	}
	recs = append(recs, r...)
	if _, err := GEMM([]GEMMShape{{2, 2, 2, ""}}, []string{"f64"}, 1, quick); err == nil {
		t.Error("unknown GEMM variant: no error")
	}
	r, err = Attention([]AttentionShape{{2, 70, 16}}, 2, quick)
	if err != nil {
		t.Fatal(err)
	}
	recs = append(recs, r...)
	r, err = Conv3d([]ConvShape{{"conv_small", 3, 32, 3, 5, 6, ""}, {"conv_wide", 3, 100, 2, 4, 4, ""}}, 1, quick)
	if err != nil {
		t.Fatal(err)
	}
	recs = append(recs, r...)
	if len(recs) != 6 {
		t.Fatalf("%d records, want 6", len(recs))
	}
	for _, r := range recs {
		if r.Name == "" || r.Shape == "" || r.Threads < 1 || r.Runs != 1 || !(r.MedianMS > 0) || !(r.GFLOPS > 0) {
			t.Errorf("incomplete record %+v", r)
		}
	}
	if recs[3].PeakBytes < 4*2*70*16 {
		t.Errorf("attention peak %d bytes, less than its output", recs[3].PeakBytes)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, recs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != len(recs) {
		t.Fatalf("%d JSON lines for %d records", len(lines), len(recs))
	}
	var back Record
	if err := json.Unmarshal([]byte(lines[0]), &back); err != nil || back != recs[0] {
		t.Errorf("JSON round trip: %+v (%v), want %+v", back, err, recs[0])
	}
	buf.Reset()
	if err := WriteTable(&buf, recs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "conv_wide") || !strings.Contains(buf.String(), "GFLOP/s") {
		t.Errorf("table:\n%s", buf.String())
	}
}

// BenchmarkConvVAE runs the VAE convolutions (for profiling).
func BenchmarkConvVAE(b *testing.B) {
	for b.Loop() {
		if _, err := Conv3d(ConvShapes, 0, Timing{MinRuns: 3, MaxRuns: 3, MinTime: time.Nanosecond}); err != nil {
			b.Fatal(err)
		}
	}
}
