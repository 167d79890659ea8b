package cpu_test

import (
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/backendtest"
	"github.com/lockstep-av/lockstep/backend/cpu"
)

func newCPU(threads int) backend.Backend { return cpu.New(threads) }

// TestConformance runs the shared backend conformance suite on the CPU
// backend.
func TestConformance(t *testing.T) { backendtest.Run(t, newCPU) }

// BenchmarkConformance runs the shared op benchmarks on the CPU backend.
func BenchmarkConformance(b *testing.B) { backendtest.Bench(b, newCPU) }
