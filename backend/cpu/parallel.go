package cpu

import "sync"

// parallelFor calls fn over [0, n) split into contiguous ranges, using up
// to b.threads goroutines and at least grain iterations per range. Each
// index is handled by one call, so work that writes disjoint outputs per
// index is deterministic.
func (b *Backend) parallelFor(n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	grain = max(grain, 1)
	chunks := min(b.threads, (n+grain-1)/grain)
	if chunks <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for i := range chunks {
		lo, hi := i*n/chunks, (i+1)*n/chunks
		if i == chunks-1 {
			fn(lo, hi)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}
