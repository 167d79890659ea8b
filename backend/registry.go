package backend

import (
	"fmt"
	"slices"
	"sort"
	"sync"
)

// Factory opens a backend. threads <= 0 means all cores.
type Factory func(opts Options) (Backend, error)

// Options are the settings common to every backend.
type Options struct {
	// Threads bounds the worker goroutines of a CPU backend; <= 0 means
	// runtime.NumCPU(). Results do not depend on it.
	Threads int
	// Device selects a GPU by index for GPU backends.
	Device int
}

var (
	regMu    sync.Mutex
	registry = map[string]Factory{}
)

// Register makes a backend available by name. It panics on a duplicate
// name (a programmer error at init time).
func Register(name string, f Factory) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[name]; dup {
		panic("backend: Register called twice for " + name)
	}
	registry[name] = f
}

// Open opens the named backend.
func Open(name string, opts Options) (Backend, error) {
	regMu.Lock()
	f, ok := registry[name]
	regMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("backend %q is not available (have %v)", name, Names())
	}
	b, err := f(opts)
	if err != nil {
		return nil, fmt.Errorf("open backend %s: %w", name, err)
	}
	return b, nil
}

// Names lists the registered backends.
func Names() []string {
	regMu.Lock()
	defer regMu.Unlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return slices.Clip(names)
}
