package media

// audioQueue buffers interleaved audio values until the writer emits them
// on the shared time line.
type audioQueue struct {
	ch      int
	buf     []float32 // pending values, buf[head:] not yet emitted
	head    int
	emitted int // samples (per channel) emitted so far
}

// push appends interleaved values.
func (q *audioQueue) push(a []float32) {
	if q.head > 0 && q.head >= len(q.buf)/2 {
		n := copy(q.buf, q.buf[q.head:])
		q.buf = q.buf[:n]
		q.head = 0
	}
	q.buf = append(q.buf, a...)
}

// avail returns the number of buffered samples (per channel).
func (q *audioQueue) avail() int { return (len(q.buf) - q.head) / q.ch }

// take removes and returns n samples (n·ch values), padding with silence
// when fewer are buffered. The slice is valid until the next push.
func (q *audioQueue) take(n int) []float32 {
	v := n * q.ch
	if have := len(q.buf) - q.head; have < v {
		q.buf = append(q.buf, make([]float32, v-have)...)
	}
	out := q.buf[q.head : q.head+v]
	q.head += v
	q.emitted += n
	return out
}

// drop discards everything buffered and returns how many samples it held.
func (q *audioQueue) drop() int {
	n := q.avail()
	q.buf, q.head = q.buf[:0], 0
	return n
}
