package media

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
)

// Writer receives a clip one lockstep time window at a time.
//
// WriteWindow is called once per window, in time order, with the window's
// frames and the audio samples of exactly the same interval (mono, or
// interleaved when Params.Channels > 1, values in [-1, 1]). Writers do not
// keep references to frames or audio after WriteWindow returns.
//
// Close finishes the output (patching headers) and renames it into place;
// Abort removes everything written so far. After a WriteWindow error the
// caller should Abort; Close on a failed writer aborts and returns the error.
// Calling Close or Abort more than once is safe. Writers are not safe for
// concurrent use.
type Writer interface {
	WriteWindow(frames []*image.RGBA, audio []float32) error
	Close() error
	Abort() error
}

// ErrNoFFmpeg is returned (wrapped) by [Create] for .mp4 output when ffmpeg
// is not on PATH.
var ErrNoFFmpeg = errors.New("MP4 output needs ffmpeg, which is not on PATH: write .avi (MJPEG + PCM) or .wav instead, or install ffmpeg")

// Create opens a writer chosen by the path: ".avi", ".mp4", ".wav", or a
// directory of PNG frames plus audio.wav when path ends in a separator or
// names an existing directory.
func Create(path string, p Params) (Writer, error) {
	p = p.withDefaults()
	if path == "" {
		return nil, errors.New("media: empty output path")
	}
	if st, err := os.Stat(path); strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(filepath.Separator)) || (err == nil && st.IsDir()) {
		return CreateFrameDir(path, p)
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".avi":
		return CreateAVI(path, p)
	case ".wav":
		return CreateWAV(path, p)
	case ".mp4":
		return CreateMP4(path, p)
	default:
		return nil, fmt.Errorf("media: %s: unknown output type %q (want .mp4, .avi, .wav or a directory ending in /)", path, ext)
	}
}

// partialFile is an output file written as NAME.partial and renamed to NAME
// on commit.
type partialFile struct {
	f      *os.File
	final  string
	tmp    string
	closed bool
}

// createPartial creates path+".partial" for writing.
func createPartial(path string) (*partialFile, error) {
	tmp := path + ".partial"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("media: create %s: %w", path, err)
	}
	return &partialFile{f: f, final: path, tmp: tmp}, nil
}

// commit syncs, closes and renames the file into place.
func (pf *partialFile) commit() error {
	if pf.closed {
		return nil
	}
	pf.closed = true
	if err := pf.f.Sync(); err != nil {
		pf.f.Close()
		os.Remove(pf.tmp)
		return fmt.Errorf("media: sync %s: %w", pf.tmp, err)
	}
	if err := pf.f.Close(); err != nil {
		os.Remove(pf.tmp)
		return fmt.Errorf("media: close %s: %w", pf.tmp, err)
	}
	if err := os.Rename(pf.tmp, pf.final); err != nil {
		os.Remove(pf.tmp)
		return fmt.Errorf("media: rename %s: %w", pf.tmp, err)
	}
	return nil
}

// abort closes and removes the partial file.
func (pf *partialFile) abort() error {
	if pf.closed {
		return nil
	}
	pf.closed = true
	pf.f.Close()
	if err := os.Remove(pf.tmp); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("media: remove %s: %w", pf.tmp, err)
	}
	return nil
}

// MultiWriter returns a Writer that passes every call to each of ws in
// order. Close closes all of them and returns the first error; if any
// WriteWindow fails, the others are not called for that window.
func MultiWriter(ws ...Writer) Writer { return multiWriter(ws) }

type multiWriter []Writer

// WriteWindow implements [Writer].
func (m multiWriter) WriteWindow(frames []*image.RGBA, audio []float32) error {
	for _, w := range m {
		if err := w.WriteWindow(frames, audio); err != nil {
			return err
		}
	}
	return nil
}

// Close implements [Writer].
func (m multiWriter) Close() error {
	var first error
	for _, w := range m {
		if err := w.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Abort implements [Writer].
func (m multiWriter) Abort() error {
	var first error
	for _, w := range m {
		if err := w.Abort(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
