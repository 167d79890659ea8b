package sceneio

import (
	"bufio"
	"encoding/json"
	"fmt"
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
// clip_000042.audio.npy and clip_000042.json.
func FilesFor(index int) ClipFiles {
	base := fmt.Sprintf("clip_%06d", index)
	return ClipFiles{base + ".frames.npy", base + ".audio.npy", base + ".json"}
}

// WriteClip writes the three files of c into dir. Each file is written under
// a temporary name and renamed when complete, so a file that exists is whole.
func WriteClip(dir string, c *scene.Clip) (ClipFiles, error) {
	names := FilesFor(c.Spec.Index)
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
		err = WriteFile(filepath.Join(dir, names.Truth), func(w *bufio.Writer) error {
			enc := json.NewEncoder(w)
			return enc.Encode(c.Truth)
		})
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
