package scene

import "math/rand/v2"

// splitmix64 is the SplitMix64 finaliser, used to spread seeds and indices
// over the full 64-bit range before they seed a PCG generator.
func splitmix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// clipStream returns the PCG generator for stream tag of clip index under
// seed. Stream 0 is the scene specification, stream 1 the audio noise.
func clipStream(seed uint64, index int, stream uint64) *rand.Rand {
	s1 := splitmix64(seed ^ 0x6c6f636b73746570 ^ (stream * 0xd1b54a32d192ed03))
	s2 := splitmix64(uint64(index) ^ splitmix64(seed))
	return rand.New(rand.NewPCG(s1, s2))
}

// ClipRNG returns the generator that draws the scene of clip index under
// seed: rand.New(rand.NewPCG(seed1, seed2)) with the seed derivation in the
// package documentation.
func ClipRNG(seed uint64, index int) *rand.Rand { return clipStream(seed, index, 0) }

// uniform draws from [lo, hi).
func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
