package diffusion

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/model/demo"
	"github.com/lockstep-av/lockstep/vae"
	"github.com/lockstep-av/lockstep/weights"
)

// Pipeline generates clips with one checkpoint on one backend: the demo
// model (tokenizer, text encoder, AV-DiT) and its VAEs. Generate and
// Decode are safe for concurrent use (each call has its own contexts).
type Pipeline struct {
	Model   *demo.Model
	VAE     *vae.Model
	Backend backend.Backend
	// Name and Hash identify the checkpoint in Settings (Hash is
	// "sha256:" + hex of the checkpoint file's bytes).
	Name, Hash string

	file        *weights.File // keeps aliased weights alive
	previewOnce sync.Once
	preview     *PreviewMap
	previewErr  error
}

// New binds the model and the VAEs of checkpoint f (tensor names under
// prefix, "" for a demo checkpoint) on backend b. f must stay open while
// the pipeline is used; name and hash go into Settings.
func New(b backend.Backend, f *weights.File, prefix, name, hash string) (*Pipeline, error) {
	m, err := demo.LoadPrefix(b, f, prefix)
	if err != nil {
		return nil, err
	}
	v, err := vae.Load(f, b, prefix)
	if err != nil {
		return nil, err
	}
	return &Pipeline{Model: m, VAE: v, Backend: b, Name: name, Hash: hash, file: f}, nil
}

// Load opens the checkpoint file at path, hashes it and binds it on b.
func Load(b backend.Backend, path string) (*Pipeline, error) {
	hash, err := hashFile(path)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	f, err := weights.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	p, err := New(b, f, "", filepath.Base(path), hash)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("load checkpoint %s: %w", path, err)
	}
	return p, nil
}

// LoadBytes binds a checkpoint held in memory (such as an embedded one);
// data must not change while the pipeline is used.
func LoadBytes(b backend.Backend, data []byte, name string) (*Pipeline, error) {
	f, err := weights.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", name, err)
	}
	p, err := New(b, f, "", name, HashBytes(data))
	if err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", name, err)
	}
	return p, nil
}

// Close releases the checkpoint file.
func (p *Pipeline) Close() error {
	if p.file == nil {
		return nil
	}
	return p.file.Close()
}

// HashBytes returns "sha256:" + the hex SHA-256 of data.
func HashBytes(data []byte) string {
	s := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(s[:])
}

func hashFile(path string) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
