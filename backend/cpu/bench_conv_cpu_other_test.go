//go:build !unix

package cpu

import "time"

// convBenchCPUTime is not measured on this platform.
func convBenchCPUTime() time.Duration { return 0 }
