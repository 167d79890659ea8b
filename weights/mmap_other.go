//go:build !unix

package weights

import "os"

// mapFile reads the whole file: this platform has no mmap support here.
func mapFile(path string) ([]byte, func() error, error) {
	data, err := os.ReadFile(path)
	return data, nil, err
}
