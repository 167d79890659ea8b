package gemm

import "sync/atomic"

// dynamic runs task(buf, t) for every t in [0, tasks) exactly once, where
// buf is a scratch buffer of scratch floats owned by the calling goroutine
// (nil when scratch is 0). Through pfor, every call of the split function
// takes tasks from a shared counter until none are left, so a goroutine
// slowed by other load simply takes fewer. Tasks write disjoint outputs
// and a task's result does not depend on which goroutine runs it, so the
// outcome is the same for every pfor, including nil (serial).
func dynamic(pfor func(n, grain int, fn func(lo, hi int)), tasks, scratch int, task func(buf []float32, t int)) {
	var next atomic.Int64
	worker := func(_, _ int) {
		var buf []float32
		if scratch > 0 {
			buf = buffers.get(scratch)
			defer buffers.put(buf)
		}
		for {
			t := int(next.Add(1)) - 1
			if t >= tasks {
				return
			}
			task(buf, t)
		}
	}
	if pfor == nil || tasks <= 1 {
		worker(0, tasks)
		return
	}
	pfor(tasks, 1, worker)
}
