package cpu

import (
	"fmt"
	"math"

	"github.com/lockstep-av/lockstep/backend"
)

var _ backend.Attender = (*Context)(nil)

// Attention is softmax(q·kᵀ·scale + mask)·v for q [B, H, Sq, D], k [B, H,
// Sk, D] and v [B, H, Sk, Dv] (k and v may have batch or head size 1,
// broadcast), with an optional additive mask broadcastable to [B, H, Sq,
// Sk]. The result is [B, H, Sq, Dv].
//
// It never materialises the Sq×Sk score matrix: tasks of up to attnBlockQ
// queries stream the keys in blocks of attnBlockK with an online softmax
// (attnTile), in parallel over (batch, head, query block). Rows whose
// scores are all -Inf give NaN, like the composed softmax (PyTorch's math).
func (c *Context) Attention(q, k, v, mask backend.Tensor, scale float32) backend.Tensor {
	qs, ks, vs := q.Shape(), k.Shape(), v.Shape()
	bad := func(msg string, args ...any) {
		backend.ShapePanic("Attention", fmt.Sprintf(msg, args...), q, k, v, mask)
	}
	if len(qs) != 4 || len(ks) != 4 || len(vs) != 4 {
		bad("q, k and v must be [B, H, S, D]")
	}
	bsz, heads, sq, d := qs[0], qs[1], qs[2], qs[3]
	sk, dv := ks[2], vs[3]
	switch {
	case ks[3] != d:
		bad("k has feature size %d, q has %d", ks[3], d)
	case vs[2] != sk:
		bad("v has %d positions, k has %d", vs[2], sk)
	}
	for _, s := range [][]int{ks, vs} {
		if (s[0] != bsz && s[0] != 1) || (s[1] != heads && s[1] != 1) {
			bad("k and v batch and head sizes must match q's or be 1")
		}
	}
	var ms [4]int // mask strides over [B, H, Sq, Sk], 0 when broadcast
	if mask != nil {
		mshape := mask.Shape()
		if len(mshape) > 4 {
			bad("mask rank %d > 4", len(mshape))
		}
		full := [4]int{bsz, heads, sq, sk}
		stride := 1
		for a := 3; a >= 0; a-- {
			i := a - (4 - len(mshape))
			if i < 0 {
				continue
			}
			switch mshape[i] {
			case full[a]:
				if full[a] != 1 {
					ms[a] = stride
				}
			case 1:
			default:
				bad("mask not broadcastable to [B, H, Sq, Sk]")
			}
			stride *= mshape[i]
		}
	}
	qd, kd, vd := c.f32("Attention", q), c.f32("Attention", k), c.f32("Attention", v)
	var md []float32
	if mask != nil {
		md = c.f32("Attention", mask)
	}
	out := c.newTensor(bsz, heads, sq, dv)
	if out.Len() == 0 {
		return out
	}
	if sk == 0 {
		// softmax over no keys: 0/0 like the composed path.
		nan := float32(math.NaN())
		for i := range out.data {
			out.data[i] = nan
		}
		return out
	}
	// Query blocks of bq rows; smaller than attnBlockQ only to give the
	// threads enough tasks to balance (each row's result does not depend
	// on bq): halved while blocks keep 32 rows and there are fewer than 4
	// tasks per thread, then split further if some thread has none.
	bq := min(attnBlockQ, max(1, sq))
	for bq > 32 && bsz*heads*((sq+bq-1)/bq) < 4*c.b.threads {
		bq = (bq + 1) / 2
	}
	if bh := bsz * heads; bh*((sq+bq-1)/bq) < c.b.threads {
		per := (c.b.threads + bh - 1) / bh
		bq = max(min(bq, 8), (sq+per-1)/per)
	}
	qBlocks := (sq + bq - 1) / bq
	tasks := bsz * heads * qBlocks
	workers := min(c.b.threads, tasks)
	scratch := c.alloc(workers * attnFloats)
	kvOff := func(s []int, b, h, row int) int {
		if s[0] == 1 {
			b = 0
		}
		if s[1] == 1 {
			h = 0
		}
		return (b*s[1]+h)*s[2]*s[3] + row*s[3]
	}
	c.forWorkers(tasks, workers, func(wk, lo, hi int) {
		sc := newAttnScratch(scratch[wk*attnFloats : (wk+1)*attnFloats])
		for task := lo; task < hi; task++ {
			qb := task % qBlocks
			bh := task / qBlocks
			b, h := bh/heads, bh%heads
			q0 := qb * bq
			nq := min(bq, sq-q0)
			t := attnBlock{
				q:     qd[((bh*sq)+q0)*d:],
				k:     kd[kvOff(ks, b, h, 0):],
				v:     vd[kvOff(vs, b, h, 0):],
				out:   out.data[((bh*sq)+q0)*dv:],
				nq:    nq,
				sk:    sk,
				d:     d,
				dv:    dv,
				scale: scale,
			}
			if md != nil {
				t.mask = md
				t.maskOff = b*ms[0] + h*ms[1] + q0*ms[2]
				t.maskQ, t.maskK = ms[2], ms[3]
			}
			attnTile(&t, sc)
		}
	})
	return out
}
