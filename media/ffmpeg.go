package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"sync"
)

// MP4Writer encodes H.264 + AAC MP4 through an ffmpeg child process: raw
// RGB24 frames go to its stdin, float32 little-endian audio to a second
// pipe (its file descriptor 3). Two goroutines feed the pipes from queues so
// that ffmpeg may read its inputs in any order; WriteWindow waits for the
// queues to drain below a limit only while both are non-empty, because
// ffmpeg blocked on one pipe means that pipe's queue is empty, so the
// writer can never deadlock with it. Odd frame sizes are padded to
// even with black (yuv420p needs even sizes); the output is written with
// +faststart to NAME.partial and renamed on Close.
type MP4Writer struct {
	p      Params
	pf     *partialFile
	cmd    *exec.Cmd
	stderr *tailBuffer
	clk    clock
	audio  audioQueue
	hasA   bool
	q      feedQueues
	wg     sync.WaitGroup
	err    error
	done   bool
}

// FFmpegArgs returns the ffmpeg arguments MP4Writer uses to write out
// (exposed for documentation and tests).
func FFmpegArgs(p Params, out string) []string {
	p = p.withDefaults()
	args := []string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y",
		"-f", "rawvideo", "-pix_fmt", "rgb24", "-s", fmt.Sprintf("%dx%d", p.Width, p.Height),
		"-framerate", fmt.Sprintf("%d/%d", p.FPSNum, p.FPSDen), "-i", "pipe:0"}
	if p.SampleRate > 0 {
		args = append(args, "-f", "f32le", "-ar", strconv.Itoa(p.SampleRate), "-ac", strconv.Itoa(p.Channels), "-i", "pipe:3",
			"-map", "0:v", "-map", "1:a")
	}
	if p.Width%2 == 1 || p.Height%2 == 1 {
		args = append(args, "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2")
	}
	args = append(args, "-c:v", "libx264", "-crf", strconv.Itoa(p.CRF), "-pix_fmt", "yuv420p")
	if p.SampleRate > 0 {
		args = append(args, "-c:a", "aac", "-b:a", "128k")
	}
	return append(args, "-movflags", "+faststart", "-f", "mp4", out)
}

// CreateMP4 starts ffmpeg writing path (see [MP4Writer]). Without ffmpeg
// on PATH it returns an error wrapping [ErrNoFFmpeg].
func CreateMP4(path string, p Params) (*MP4Writer, error) {
	p = p.withDefaults()
	if err := p.validate(true, p.SampleRate > 0); err != nil {
		return nil, fmt.Errorf("%w (writing %s)", err, path)
	}
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		return nil, fmt.Errorf("media: %s: %w", path, ErrNoFFmpeg)
	}
	pf, err := createPartial(path)
	if err != nil {
		return nil, err
	}
	m := &MP4Writer{p: p, pf: pf, stderr: &tailBuffer{max: 4096}, clk: clock{p: p}, hasA: p.SampleRate > 0}
	m.q.init(64 << 20)
	m.audio.ch = p.Channels
	m.cmd = exec.Command(bin, FFmpegArgs(p, pf.tmp)...)
	m.cmd.Stderr = m.stderr
	vin, err := m.cmd.StdinPipe()
	if err != nil {
		pf.abort()
		return nil, fmt.Errorf("media: ffmpeg: %w", err)
	}
	var ar, aw *os.File
	if m.hasA {
		if ar, aw, err = os.Pipe(); err != nil {
			pf.abort()
			return nil, fmt.Errorf("media: ffmpeg audio pipe: %w", err)
		}
		m.cmd.ExtraFiles = []*os.File{ar}
	}
	if err := m.cmd.Start(); err != nil {
		pf.abort()
		if ar != nil {
			ar.Close()
			aw.Close()
		}
		return nil, fmt.Errorf("media: start ffmpeg: %w", err)
	}
	m.wg.Add(1)
	go m.feed(vin, 0)
	if m.hasA {
		ar.Close() // the child holds its own copy
		m.wg.Add(1)
		go m.feed(aw, 1)
	}
	return m, nil
}

// feed writes the buffers of queue s to w until the queue is closed, then
// closes w. After a write error it keeps draining so that WriteWindow never
// waits on it.
func (m *MP4Writer) feed(w io.WriteCloser, s int) {
	defer m.wg.Done()
	failed := false
	for {
		b, ok := m.q.pop(s)
		if !ok {
			break
		}
		if failed {
			continue
		}
		if _, err := w.Write(b); err != nil {
			failed = true
			m.q.setErr(err)
		}
		m.q.put(b)
	}
	w.Close()
}

// pipeErr returns the first pipe error, if any.
func (m *MP4Writer) pipeErr() error { return m.q.getErr() }

// WriteWindow implements [Writer].
func (m *MP4Writer) WriteWindow(frames []*image.RGBA, audio []float32) error {
	if m.err != nil {
		return m.err
	}
	if m.done {
		return errors.New("media: MP4 writer already closed")
	}
	if err := m.pipeErr(); err != nil {
		// ffmpeg quit: wait for it so that its exit status and stderr are
		// complete before building the error.
		m.done = true
		if werr := m.stop(); werr != nil {
			err = werr
		}
		return m.fail(fmt.Errorf("media: ffmpeg stopped reading its input: %w%s", err, m.stderr.suffix()))
	}
	if err := m.clk.check(frames, audio, true); err != nil {
		return m.fail(err)
	}
	m.clk.advance(len(frames), len(audio))
	if m.hasA {
		m.audio.push(audio)
		m.sendAudio(min(m.audio.avail(), m.p.SampleAt(m.clk.frames)-m.audio.emitted))
	}
	for _, f := range frames {
		b := f.Bounds()
		m.q.push(0, rgb24(m.q.get(3*b.Dx()*b.Dy()), f))
	}
	m.q.wait()
	return nil
}

// sendAudio queues n samples (padded with silence) for the audio pipe.
func (m *MP4Writer) sendAudio(n int) {
	if n <= 0 {
		return
	}
	vals := m.audio.take(n)
	b := m.q.get(4 * len(vals))
	for _, v := range vals {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(clip(v)))
	}
	m.q.push(1, b)
}

// rgb24 appends the RGB24 rows of an RGBA image to out.
func rgb24(out []byte, f *image.RGBA) []byte {
	b := f.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := f.Pix[f.PixOffset(b.Min.X, y):][:4*b.Dx()]
		for x := 0; x < len(row); x += 4 {
			out = append(out, row[x], row[x+1], row[x+2])
		}
	}
	return out
}

// stop closes the input pipes and waits for ffmpeg.
func (m *MP4Writer) stop() error {
	m.q.close()
	m.wg.Wait()
	return m.cmd.Wait()
}

func (m *MP4Writer) fail(err error) error {
	m.err = err
	if !m.done {
		m.done = true
		m.cmd.Process.Kill()
		m.stop()
	}
	m.pf.abort()
	return err
}

// Close implements [Writer]: it sends the remaining audio (padded to
// round(frames/fps·sr) samples), waits for ffmpeg and renames the file.
func (m *MP4Writer) Close() error {
	if m.err != nil {
		return m.err
	}
	if m.done {
		return nil
	}
	if m.hasA {
		m.sendAudio(m.p.SampleAt(m.clk.frames) - m.audio.emitted)
		m.audio.drop()
	}
	m.done = true
	werr := m.stop()
	if perr := m.pipeErr(); werr == nil && perr != nil {
		werr = perr
	}
	if werr == nil && m.clk.frames == 0 {
		werr = errors.New("no frames written")
	}
	if werr != nil {
		m.err = fmt.Errorf("media: ffmpeg: %w%s", werr, m.stderr.suffix())
		m.pf.abort()
		return m.err
	}
	if err := m.pf.commit(); err != nil {
		m.err = err
		return err
	}
	return nil
}

// Abort implements [Writer]: it stops ffmpeg and removes the partial file.
func (m *MP4Writer) Abort() error {
	if m.err == nil {
		m.fail(errors.New("media: MP4 writer aborted"))
		return nil
	}
	return m.pf.abort()
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

// Write implements io.Writer.
func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

// suffix returns ": <stderr tail>" or "".
func (t *tailBuffer) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.b) == 0 {
		return ""
	}
	return ": " + string(t.b)
}

// feedQueues are the video (0) and audio (1) queues of an MP4Writer, with
// a free list of the buffers already written to the pipes, which get
// returns again: a long clip reuses a few buffers instead of allocating
// one per frame.
type feedQueues struct {
	mu     sync.Mutex
	cond   sync.Cond
	items  [2][][]byte
	bytes  [2]int
	limit  int
	closed bool
	err    error
	spare  [][]byte // written buffers, for get
}

// maxSpare bounds the free list of feedQueues.
const maxSpare = 64

// get returns an empty buffer with capacity for n bytes, recycled when one
// is large enough.
func (q *feedQueues) get(n int) []byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := len(q.spare) - 1; i >= 0; i-- {
		if b := q.spare[i]; cap(b) >= n {
			last := len(q.spare) - 1
			q.spare[i] = q.spare[last]
			q.spare[last] = nil
			q.spare = q.spare[:last]
			return b[:0]
		}
	}
	return make([]byte, 0, n)
}

// put returns a buffer that has been written to the free list.
func (q *feedQueues) put(b []byte) {
	q.mu.Lock()
	if len(q.spare) < maxSpare {
		q.spare = append(q.spare, b)
	}
	q.mu.Unlock()
}

func (q *feedQueues) init(limit int) {
	q.cond.L = &q.mu
	q.limit = limit
}

// push appends b to queue s without blocking.
func (q *feedQueues) push(s int, b []byte) {
	q.mu.Lock()
	q.items[s] = append(q.items[s], b)
	q.bytes[s] += len(b)
	q.mu.Unlock()
	q.cond.Broadcast()
}

// wait blocks while both queues are non-empty and together exceed the
// limit (and no pipe has failed).
func (q *feedQueues) wait() {
	q.mu.Lock()
	for q.err == nil && len(q.items[0]) > 0 && len(q.items[1]) > 0 && q.bytes[0]+q.bytes[1] > q.limit {
		q.cond.Wait()
	}
	q.mu.Unlock()
}

// pop removes the oldest buffer of queue s, blocking until there is one;
// ok is false once the queues are closed and s is empty.
func (q *feedQueues) pop(s int) (b []byte, ok bool) {
	q.mu.Lock()
	for len(q.items[s]) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items[s]) > 0 {
		b, ok = q.items[s][0], true
		q.items[s][0] = nil
		q.items[s] = q.items[s][1:]
		q.bytes[s] -= len(b)
	}
	q.mu.Unlock()
	q.cond.Broadcast()
	return b, ok
}

// close wakes the feeders to finish.
func (q *feedQueues) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

func (q *feedQueues) setErr(err error) {
	q.mu.Lock()
	if q.err == nil {
		q.err = err
	}
	q.mu.Unlock()
	q.cond.Broadcast()
}

func (q *feedQueues) getErr() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}
