package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

// refConvTranspose1d is PyTorch's conv_transpose1d in float64, written as
// the scatter of each input element over its K outputs.
func refConvTranspose1d(x []float32, xs []int, w []float32, ws []int, bias []float32, p backend.ConvTransposeParams) ([]float64, int) {
	s, d, g := max(p.Stride, 1), max(p.Dilation, 1), max(p.Groups, 1)
	bsz, cin, l := xs[0], xs[1], xs[2]
	coutG, k := ws[1], ws[2]
	cout, cinG := coutG*g, cin/g
	lout := (l-1)*s - 2*p.Padding + d*(k-1) + p.OutputPadding + 1
	out := make([]float64, bsz*cout*lout)
	for b := range bsz {
		for co := range cout {
			if bias != nil {
				for t := range lout {
					out[(b*cout+co)*lout+t] = float64(bias[co])
				}
			}
		}
		for ci := range cin {
			grp := ci / cinG
			for i := range l {
				xv := float64(x[(b*cin+ci)*l+i])
				for oc := range coutG {
					co := grp*coutG + oc
					for kk := range k {
						t := i*s - p.Padding + kk*d
						if t >= 0 && t < lout {
							out[(b*cout+co)*lout+t] += xv * float64(w[(ci*coutG+oc)*k+kk])
						}
					}
				}
			}
		}
	}
	return out, lout
}

func TestConvTranspose1dReference(t *testing.T) {
	cases := []struct {
		name string
		x, w []int
		bias bool
		p    backend.ConvTransposeParams
	}{
		{"plain", []int{2, 3, 7}, []int{3, 4, 3}, true, backend.ConvTransposeParams{}},
		{"stride2 pad1 k4", []int{1, 4, 9}, []int{4, 3, 4}, true, backend.ConvTransposeParams{Stride: 2, Padding: 1}},
		{"stride3 outpad2 k5", []int{2, 2, 6}, []int{2, 3, 5}, false, backend.ConvTransposeParams{Stride: 3, Padding: 2, OutputPadding: 2}},
		{"groups2", []int{2, 4, 8}, []int{4, 3, 4}, true, backend.ConvTransposeParams{Stride: 2, Padding: 1, Groups: 2}},
		{"depthwise", []int{1, 3, 5}, []int{3, 1, 3}, false, backend.ConvTransposeParams{Stride: 2, Groups: 3}},
		{"dilation2 outpad1", []int{1, 2, 7}, []int{2, 2, 3}, true, backend.ConvTransposeParams{Dilation: 2, Padding: 1, OutputPadding: 1}},
		{"stride larger than kernel", []int{1, 2, 5}, []int{2, 2, 2}, false, backend.ConvTransposeParams{Stride: 4}},
		{"vocoder tiles", []int{1, 8, 700}, []int{8, 64, 16}, true, backend.ConvTransposeParams{Stride: 4, Padding: 6, OutputPadding: 1}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 11))
			x := spRand(rng, backend.NumElements(tc.x))
			w := spRand(rng, backend.NumElements(tc.w))
			var bias []float32
			if tc.bias {
				bias = spRand(rng, tc.w[1]*max(tc.p.Groups, 1))
			}
			run := func(threads int) ([]float32, []int) {
				c := New(threads).newContext()
				var bt backend.Tensor
				if bias != nil {
					bt = c.Constant(bias, len(bias))
				}
				y := c.ConvTranspose1d(c.Constant(x, tc.x...), c.Constant(w, tc.w...), bt, tc.p)
				return c.b.Float32(y), y.Shape()
			}
			got, shape := run(3)
			want, lout := refConvTranspose1d(x, tc.x, w, tc.w, bias, tc.p)
			if shape[2] != lout || shape[1] != tc.w[1]*max(tc.p.Groups, 1) {
				t.Fatalf("shape %v, want length %d", shape, lout)
			}
			spCheck(t, tc.name, got, want, 1e-5, 1e-4)
			for _, th := range []int{1, 2, 5} {
				again, _ := run(th)
				spSame(t, fmt.Sprintf("%s threads=%d", tc.name, th), got, again)
			}
		})
	}
}

func TestConvTranspose1dShapeErrors(t *testing.T) {
	c := New(1).newContext()
	x := c.Zeros(1, 4, 8)
	spExpectShapePanic(t, "channels", func() { c.ConvTranspose1d(x, c.Zeros(3, 2, 3), nil, backend.ConvTransposeParams{}) })
	spExpectShapePanic(t, "groups", func() { c.ConvTranspose1d(x, c.Zeros(4, 2, 3), nil, backend.ConvTransposeParams{Groups: 3}) })
	spExpectShapePanic(t, "output padding", func() {
		c.ConvTranspose1d(x, c.Zeros(4, 2, 3), nil, backend.ConvTransposeParams{Stride: 2, OutputPadding: 2})
	})
	spExpectShapePanic(t, "bias", func() { c.ConvTranspose1d(x, c.Zeros(4, 2, 3), c.Zeros(4), backend.ConvTransposeParams{}) })
	spExpectShapePanic(t, "negative length", func() {
		c.ConvTranspose1d(c.Zeros(1, 4, 1), c.Zeros(4, 2, 1), nil, backend.ConvTransposeParams{Padding: 3})
	})
}
