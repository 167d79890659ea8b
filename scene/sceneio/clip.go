package sceneio

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lockstep-av/lockstep/scene"
)

// ClipFiles names the files of one clip inside a data directory.
type ClipFiles struct {
	// Frames is uint8 [F,H,W,3] .npy, Audio float32 [N] .npy, Truth the
	// ground-truth JSON.
	Frames string `json:"frames_file"`
	Audio  string `json:"audio_file"`
	Truth  string `json:"truth_file"`
}

// FilesFor returns the file names of clip index: clip_000042.frames.npy,
// clip_000042.audio.npy and clip_000042.json, or, compressed, one
// clip_000042.npz holding frames.npy and audio.npy (both names then point to
// it) and clip_000042.json.
func FilesFor(index int, compressed bool) ClipFiles {
	base := fmt.Sprintf("clip_%06d", index)
	if compressed {
		return ClipFiles{base + ".npz", base + ".npz", base + ".json"}
	}
	return ClipFiles{base + ".frames.npy", base + ".audio.npy", base + ".json"}
}

// WriteClipNpz writes c as clip_%06d.npz (a deflated zip of frames.npy and
// audio.npy, read by numpy.load(path)["frames"] and ["audio"]) and its
// ground-truth JSON into dir. Frames compress about 10-30x, audio little.
func WriteClipNpz(dir string, c *scene.Clip) (ClipFiles, error) {
	names := FilesFor(c.Spec.Index, true)
	s := c.Spec
	err := WriteFile(filepath.Join(dir, names.Frames), func(w *bufio.Writer) error {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		for _, m := range []struct {
			name  string
			write func(io.Writer) error
		}{
			{"frames.npy", func(w io.Writer) error { return WriteNpyUint8(w, c.Frames, s.Frames, s.Size.H, s.Size.W, 3) }},
			{"audio.npy", func(w io.Writer) error { return WriteNpyFloat32(w, c.Audio, len(c.Audio)) }},
		} {
			// A fixed header (no modification time) keeps the bytes deterministic.
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: zip.Deflate})
			if err != nil {
				return err
			}
			if err := m.write(fw); err != nil {
				return err
			}
		}
		return zw.Close()
	})
	if err == nil {
		err = writeTruth(filepath.Join(dir, names.Truth), c)
	}
	if err != nil {
		return names, fmt.Errorf("clip %d: %w", s.Index, err)
	}
	return names, nil
}

func writeTruth(path string, c *scene.Clip) error {
	return WriteFile(path, func(w *bufio.Writer) error {
		return json.NewEncoder(w).Encode(c.Truth)
	})
}

// WriteClip writes the three files of c into dir. Each file is written under
// a temporary name and renamed when complete, so a file that exists is whole.
func WriteClip(dir string, c *scene.Clip) (ClipFiles, error) {
	names := FilesFor(c.Spec.Index, false)
	s := c.Spec
	err := WriteFile(filepath.Join(dir, names.Frames), func(w *bufio.Writer) error {
		return WriteNpyUint8(w, c.Frames, s.Frames, s.Size.H, s.Size.W, 3)
	})
	if err == nil {
		err = WriteFile(filepath.Join(dir, names.Audio), func(w *bufio.Writer) error {
			return WriteNpyFloat32(w, c.Audio, len(c.Audio))
		})
	}
	if err == nil {
		err = writeTruth(filepath.Join(dir, names.Truth), c)
	}
	if err != nil {
		return names, fmt.Errorf("clip %d: %w", s.Index, err)
	}
	return names, nil
}

// WriteFile creates path with the content produced by write, through a
// temporary file and a rename, so that an existing file is always complete.
func WriteFile(path string, write func(*bufio.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
