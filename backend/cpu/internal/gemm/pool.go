package gemm

import "sync"

// freeList keeps packing buffers for reuse for the life of the process.
// Unlike sync.Pool it never drops them at a garbage collection, so steady
// state GEMM calls touch no fresh memory.
type freeList struct {
	mu   sync.Mutex
	bufs [][]float32
}

var buffers freeList

// get returns a buffer of length n, reusing the smallest kept buffer
// that is large enough. Contents are unspecified.
func (l *freeList) get(n int) []float32 {
	l.mu.Lock()
	best := -1
	for i, b := range l.bufs {
		if cap(b) >= n && (best < 0 || cap(b) < cap(l.bufs[best])) {
			best = i
		}
	}
	if best >= 0 {
		b := l.bufs[best]
		last := len(l.bufs) - 1
		l.bufs[best] = l.bufs[last]
		l.bufs[last] = nil
		l.bufs = l.bufs[:last]
		l.mu.Unlock()
		return b[:n]
	}
	l.mu.Unlock()
	// Round up so slightly larger later requests can reuse it.
	return make([]float32, n, (n+4095)&^4095)
}

// put returns a buffer obtained from get.
func (l *freeList) put(b []float32) {
	l.mu.Lock()
	l.bufs = append(l.bufs, b)
	l.mu.Unlock()
}
