package nn_test

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/nn"
)

// A joint video+audio sequence: a 2-frame 2×3 video latent followed by
// audio tokens at two per latent frame. Audio tokens share the time
// coordinate of the video frame they coincide with, so one RoPE table serves
// the concatenated sequence.
func ExampleNewRoPE() {
	const headDim = 16
	video := nn.GridPositions(2, 2, 3, 0, 1) // time in latent frames
	audio := nn.TimePositions(4, 0, 0.5)     // 2 audio tokens per latent frame
	pos := nn.ConcatPositions(video, audio)

	dims := nn.AxisDims3D(headDim) // features per axis: time, height, width
	rope, err := nn.NewRoPE(cpu.New(1), pos, dims, nn.DefaultRoPETheta, backend.RoPEInterleaved)
	if err != nil {
		panic(err)
	}
	fmt.Println("axis features:", dims)
	fmt.Println("table shape:", rope.Cos.Shape())
	fmt.Println("audio token 2 time:", pos[0][12+2], "= video frame", pos[0][6])
	// Output:
	// axis features: [8 4 4]
	// table shape: [16 8]
	// audio token 2 time: 1 = video frame 1
}
