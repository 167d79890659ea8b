//go:build unix

package gemm

import (
	"syscall"
	"time"
)

// processCPUTime returns the user+system CPU time of this process, so
// benchmarks can report throughput per CPU-second, which other load on a
// shared machine distorts less than wall time.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
