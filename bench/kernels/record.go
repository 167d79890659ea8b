package kernels

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"text/tabwriter"
	"time"
)

// Record is one measurement, written as one JSON line.
type Record struct {
	Name      string  `json:"name"`                 // e.g. "gemm_f32", "attention", "step_total"
	Shape     string  `json:"shape"`                // e.g. "1024x1024x1024" (M×N×K)
	Threads   int     `json:"threads"`              // goroutines per op
	MedianMS  float64 `json:"median_ms"`            // median wall time of one run
	MinMS     float64 `json:"min_ms"`               // fastest run
	Runs      int     `json:"runs"`                 // timed runs
	GFLOPS    float64 `json:"gflops,omitempty"`     // useful flops / median time
	PeakBytes int64   `json:"peak_bytes,omitempty"` // bytes allocated by one run (arena growth), 0 if not measured
	OutputSPS float64 `json:"output_s_per_s,omitempty"`
	Note      string  `json:"note,omitempty"`
}

// Timing controls how often each case runs.
type Timing struct {
	MinRuns int           // timed runs at least (default 3)
	MaxRuns int           // timed runs at most (default 15)
	MinTime time.Duration // keep running until this much was timed (default 300ms)
}

func (t Timing) withDefaults() Timing {
	if t.MinRuns <= 0 {
		t.MinRuns = 3
	}
	if t.MaxRuns < t.MinRuns {
		t.MaxRuns = max(15, t.MinRuns)
	}
	if t.MinTime <= 0 {
		t.MinTime = 300 * time.Millisecond
	}
	return t
}

// measure runs fn once to warm up (buffers, packed weights, page faults),
// then times it until both MinRuns and MinTime are reached (or MaxRuns),
// and returns the median and minimum in milliseconds and the run count.
func measure(t Timing, fn func()) (median, fastest float64, runs int) {
	t = t.withDefaults()
	fn()
	var ms []float64
	var total time.Duration
	for len(ms) < t.MaxRuns && (len(ms) < t.MinRuns || total < t.MinTime) {
		start := time.Now()
		fn()
		d := time.Since(start)
		total += d
		ms = append(ms, float64(d.Nanoseconds())/1e6)
	}
	return medianOf(ms), slices.Min(ms), len(ms)
}

// medianOf returns the median of v (the mean of the middle two for even
// lengths); v is sorted in place.
func medianOf(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// retained returns the bytes of live heap that fn leaves behind: what it
// returns (keep is called with it after the collection, to keep it alive)
// plus what a fresh context's arena grew by; transient garbage is
// collected first and not counted.
func retained(fn func() any) int64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	v := fn()
	runtime.GC()
	runtime.ReadMemStats(&b)
	runtime.KeepAlive(v)
	return int64(b.HeapAlloc) - int64(a.HeapAlloc)
}

// WriteJSON writes recs as JSON Lines.
func WriteJSON(w io.Writer, recs []Record) error {
	enc := json.NewEncoder(w)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write record %s: %w", r.Name, err)
		}
	}
	return nil
}

// WriteTable writes recs as an aligned human-readable table.
func WriteTable(w io.Writer, recs []Record) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "name\tshape\tthreads\tmedian ms\tmin ms\truns\tGFLOP/s\tpeak MB\toutput s/s\t")
	for _, r := range recs {
		opt := func(v float64, f string) string {
			if v == 0 {
				return "-"
			}
			return fmt.Sprintf(f, v)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.3f\t%.3f\t%d\t%s\t%s\t%s\t\n", r.Name, r.Shape, r.Threads, r.MedianMS, r.MinMS, r.Runs,
			opt(r.GFLOPS, "%.1f"), opt(float64(r.PeakBytes)/1e6, "%.2f"), opt(r.OutputSPS, "%.2f"))
	}
	return tw.Flush()
}
