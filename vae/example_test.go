package vae_test

import (
	"context"
	"fmt"
	"image"

	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/vae"
	"github.com/lockstep-av/lockstep/weights"
)

// Decode the golden sampling run's latents (tiny weights) in lockstep:
// each window holds the frames of one latent frame and the audio samples
// of the same interval.
func ExampleLockstepDecoder() {
	f, err := weights.Open("../model/demo/testdata/golden_tiny.safetensors")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	b := cpu.New(0)
	m, err := vae.Load(f, b, "weights.") // a demo checkpoint uses prefix ""
	if err != nil {
		panic(err)
	}
	zv, _ := f.Tensor(b, "sample.zv") // normalised latents [1, 16, 2, 4, 4]
	za, _ := f.Tensor(b, "sample.za") // [1, 8, 11]
	st, err := vae.NewLockstep(m).Decode(context.Background(), b.NewContext(), zv, za,
		func(frames []*image.RGBA, audio []float32) error {
			fmt.Printf("%d frames of %v, %d samples\n", len(frames), frames[0].Rect.Size(), len(audio))
			return nil
		})
	if err != nil {
		panic(err)
	}
	fmt.Printf("total: %d frames, %d samples (%g fps, %d Hz)\n", st.Frames, st.Samples, m.Config.FPS, m.Config.SampleRate)
	// Output:
	// 1 frames of (32,32), 1333 samples
	// 4 frames of (32,32), 5334 samples
	// total: 5 frames, 6667 samples (12 fps, 16000 Hz)
}
