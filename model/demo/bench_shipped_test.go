package demo

import (
	"testing"

	"github.com/lockstep-av/lockstep/model/demo/checkpoint"
	"github.com/lockstep-av/lockstep/weights"
)

// BenchmarkDiTStepShipped times one DiT forward of the shipped checkpoint
// (patch [1,1,1]: 448 video + 53 audio tokens at the default 25×64×64 clip)
// on one thread, the configuration of `lockstep bench step --threads 1`.
// Reports ms/step; run with -cpuprofile to see where a step goes.
func BenchmarkDiTStepShipped(b *testing.B) {
	f, err := weights.Parse(checkpoint.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	benchDiTStep(b, f, 1)
}
