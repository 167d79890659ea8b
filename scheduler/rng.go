package scheduler

import "math"

const splitmixGamma = 0x9E3779B97F4A7C15

// mix64 is the SplitMix64 finaliser.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// RNG is the documented counter-based random stream (see the package doc):
// word k of stream s under seed z is mix64(key + k*gamma), key =
// mix64(z + (s+1)*gamma). It is cheap to copy and reproducible across
// platforms up to the last ulp of the libm functions in Box-Muller.
type RNG struct {
	key   uint64
	ctr   uint64
	spare float64
	has   bool
}

// NewRNG returns stream number stream of seed seed. Stream 0 is reserved for
// initial noise, stream 1 for solver noise.
func NewRNG(seed, stream uint64) *RNG {
	return &RNG{key: mix64(seed + splitmixGamma*(stream+1))}
}

// Uint64 returns the next 64-bit word.
func (r *RNG) Uint64() uint64 {
	r.ctr++
	return mix64(r.key + splitmixGamma*r.ctr)
}

// Uniform returns a uniform number in (0, 1] with 53 random bits.
func (r *RNG) Uniform() float64 {
	return float64(r.Uint64()>>11+1) * (1.0 / 9007199254740992.0)
}

// Normal returns a standard normal number (Box-Muller, cosine branch first).
func (r *RNG) Normal() float64 {
	if r.has {
		r.has = false
		return r.spare
	}
	u1 := r.Uniform()
	u2 := r.Uniform()
	rad := math.Sqrt(-2 * math.Log(u1))
	r.spare = rad * math.Sin(2*math.Pi*u2)
	r.has = true
	return rad * math.Cos(2*math.Pi*u2)
}

// Normals fills dst with standard normals in order and returns it.
func (r *RNG) Normals(dst []float64) []float64 {
	for i := range dst {
		dst[i] = r.Normal()
	}
	return dst
}
