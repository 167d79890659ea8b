package tensorops

import (
	"fmt"
	"math"
	"slices"
	"weak"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/scheduler"
)

// Latent holds the current tensor of one solver latent. Its zero value is
// not usable; make latents with Ops.New, Ops.FromFloat32 or Ops.Wrap.
type Latent struct {
	t backend.Tensor
}

// Tensor returns the latent's tensor, valid until the next call on the Ops
// that made the latent.
func (l *Latent) Tensor() backend.Tensor { return l.t }

// Ops implements scheduler.Ops[*Latent] on a backend (see the package
// documentation for the ownership rules).
type Ops struct {
	be       backend.Backend
	ctx      [2]backend.Context
	cur      int
	live     []weak.Pointer[Latent]
	made     int // temporaries in the current context since the last compaction
	minSlack int
	// Compactions counts compactions, for tests and diagnostics.
	Compactions int
}

// New returns Ops on backend be.
func New(be backend.Backend) *Ops {
	return &Ops{be: be, ctx: [2]backend.Context{be.NewContext(), be.NewContext()}, minSlack: 64}
}

// SetCompactionSlack sets the least number of temporaries the current
// context may hold before a compaction (default 64); small values are for
// tests.
func (o *Ops) SetCompactionSlack(n int) { o.minSlack = max(n, 1) }

// track registers a new latent.
func (o *Ops) track(t backend.Tensor) *Latent {
	l := &Latent{t: t}
	o.live = append(o.live, weak.Make(l))
	return l
}

// c returns the current context after compacting if it is due.
func (o *Ops) c() backend.Context {
	if o.made >= max(o.minSlack, 4*len(o.live)) {
		o.compact()
	}
	o.made++
	return o.ctx[o.cur]
}

// keep returns the current context without compacting: for operations
// whose input may be a tensor of this Ops that no latent holds any more.
func (o *Ops) keep() backend.Context {
	o.made++
	return o.ctx[o.cur]
}

// compact copies every live latent into the other context and resets the
// current one.
func (o *Ops) compact() {
	next := o.ctx[1-o.cur]
	o.live = slices.DeleteFunc(o.live, func(p weak.Pointer[Latent]) bool {
		l := p.Value()
		if l == nil {
			return true
		}
		if l.t != nil {
			l.t = next.Affine(l.t, 1, 0)
		}
		return false
	})
	o.ctx[o.cur].Reset()
	o.cur = 1 - o.cur
	o.made = len(o.live)
	o.Compactions++
}

// FromFloat32 makes a latent holding a copy of data with the given shape.
func (o *Ops) FromFloat32(data []float32, shape ...int) *Latent {
	return o.track(o.c().Constant(data, shape...))
}

// FromFloat64 makes a latent from float64 data, rounded to float32.
func (o *Ops) FromFloat64(data []float64, shape ...int) *Latent {
	f := make([]float32, len(data))
	for i, v := range data {
		f[i] = float32(v)
	}
	return o.FromFloat32(f, shape...)
}

// Wrap makes a latent holding a copy of t (from any context or persistent).
func (o *Ops) Wrap(t backend.Tensor) *Latent {
	return o.track(o.keep().Affine(t, 1, 0))
}

// Set makes dst hold a copy of t: the way a model stores its prediction
// before resetting its own context.
func (o *Ops) Set(dst *Latent, t backend.Tensor) {
	dst.t = o.keep().Affine(t, 1, 0)
}

// Float32 copies the latent's values to host memory.
func (o *Ops) Float32(l *Latent) []float32 { return o.be.Float32(l.t) }

// Float64 copies the latent's values to host memory as float64.
func (o *Ops) Float64(l *Latent) []float64 {
	f := o.be.Float32(l.t)
	out := make([]float64, len(f))
	for i, v := range f {
		out[i] = float64(v)
	}
	return out
}

// New returns a latent shaped like like, holding zeros.
func (o *Ops) New(like *Latent) *Latent {
	c := o.c()
	return o.track(c.Zeros(like.t.Shape()...))
}

// Copy sets dst = src (sharing the immutable tensor).
func (o *Ops) Copy(dst, src *Latent) { dst.t = src.t }

// Scale sets dst = a*x.
func (o *Ops) Scale(dst *Latent, a float64, x *Latent) {
	c := o.c() // before reading x.t: c may compact
	dst.t = c.Affine(x.t, float32(a), 0)
}

// AXPBY sets dst = a*x + b*y.
func (o *Ops) AXPBY(dst *Latent, a float64, x *Latent, b float64, y *Latent) {
	c := o.c()
	dst.t = c.Binary(backend.Add, c.Affine(x.t, float32(a), 0), c.Affine(y.t, float32(b), 0))
}

// LinComb sets dst = sum_i c[i]*xs[i], summed in order.
func (o *Ops) LinComb(dst *Latent, c []float64, xs []*Latent) {
	if len(c) != len(xs) || len(c) == 0 {
		panic(fmt.Sprintf("tensorops: LinComb with %d coefficients and %d latents", len(c), len(xs)))
	}
	ctx := o.c()
	s := ctx.Affine(xs[0].t, float32(c[0]), 0)
	for k := 1; k < len(c); k++ {
		s = ctx.Binary(backend.Add, s, ctx.Affine(xs[k].t, float32(c[k]), 0))
	}
	o.made += 2 * len(c)
	dst.t = s
}

// Normal fills dst with standard normals from rng in element order.
func (o *Ops) Normal(dst *Latent, rng *scheduler.RNG) {
	c := o.c()
	shape := dst.t.Shape()
	n := 1
	for _, d := range shape {
		n *= d
	}
	f := make([]float32, n)
	for i := range f {
		f[i] = float32(rng.Normal())
	}
	dst.t = c.Constant(f, shape...)
}

// RoundFloat32 is a no-op: latents are float32 already.
func (o *Ops) RoundFloat32(*Latent) {}

var (
	_ scheduler.Ops[*Latent]            = (*Ops)(nil)
	_ scheduler.Float32Rounder[*Latent] = (*Ops)(nil)
)

// BatchStd returns per item of the leading axis the standard deviation
// over the other axes (N-1 denominator, as torch.std), computed in float64
// on the host.
func (o *Ops) BatchStd(x *Latent) []float64 {
	shape := x.t.Shape()
	v := o.be.Float32(x.t)
	b := 1
	if len(shape) > 0 {
		b = shape[0]
	}
	n := len(v) / b
	out := make([]float64, b)
	for i := range out {
		row := v[i*n : (i+1)*n]
		m := 0.0
		for _, e := range row {
			m += float64(e)
		}
		m /= float64(n)
		s := 0.0
		for _, e := range row {
			s += (float64(e) - m) * (float64(e) - m)
		}
		out[i] = math.Sqrt(s / float64(n-1))
	}
	return out
}

// ScaleBatch sets dst = s[b]*x for every item b of the leading axis.
func (o *Ops) ScaleBatch(dst *Latent, s []float64, x *Latent) {
	c := o.c()
	shape := x.t.Shape()
	bs := make([]int, len(shape))
	for i := range bs {
		bs[i] = 1
	}
	bs[0] = len(s)
	f := make([]float32, len(s))
	for i, v := range s {
		f[i] = float32(v)
	}
	dst.t = c.Binary(backend.Mul, x.t, c.Constant(f, bs...))
}

var _ scheduler.BatchStats[*Latent] = (*Ops)(nil)
