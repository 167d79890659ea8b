//go:build unix

package cpu

import (
	"syscall"
	"time"
)

// convBenchCPUTime returns the user+system CPU time of this process:
// BenchmarkConv also reports CPU milliseconds per op, which other load on
// a shared machine distorts less than wall time.
func convBenchCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
