package dense_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/backend/cpu"
	"github.com/lockstep-av/lockstep/backend/dense"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func randn(r *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(r.NormFloat64())
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	b := cpu.New(1)
	r := rand.New(rand.NewPCG(1, 2))
	for _, shape := range [][]int{{3}, {2, 5}, {2, 3, 4}} {
		data := randn(r, backend.NumElements(shape))
		x, err := b.FromFloat32(data, shape...)
		if err != nil {
			t.Fatal(err)
		}
		d := dense.ToDense(b, x)
		if !d.Shape().Eq(tensor.Shape(shape)) {
			t.Fatalf("shape %v, want %v", d.Shape(), shape)
		}
		y, err := dense.FromDense(b, d)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range b.Float32(y) {
			if v != data[i] {
				t.Fatalf("shape %v: element %d is %v, want %v", shape, i, v, data[i])
			}
		}
	}
}

func TestFromDenseErrors(t *testing.T) {
	b := cpu.New(1)
	if _, err := dense.FromDense(b, tensor.New(tensor.WithShape(2), tensor.WithBacking([]int{1, 2}))); err == nil {
		t.Error("int tensor accepted")
	}
	d := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking(make([]float32, 6)))
	if err := d.T(); err != nil {
		t.Fatal(err)
	}
	if _, err := dense.FromDense(b, d); err == nil {
		t.Error("strided view accepted")
	}
}

// TestGorgoniaOracle checks the CPU backend against a gorgonia graph, an
// implementation that shares no code with Lockstep: y = tanh(x·W + b),
// then a row softmax.
func TestGorgoniaOracle(t *testing.T) {
	const m, k, n = 7, 19, 11
	r := rand.New(rand.NewPCG(3, 4))
	xs, ws, bs := randn(r, m*k), randn(r, k*n), randn(r, n)

	g := gorgonia.NewGraph()
	dx := tensor.New(tensor.WithShape(m, k), tensor.WithBacking(append([]float32(nil), xs...)))
	dw := tensor.New(tensor.WithShape(k, n), tensor.WithBacking(append([]float32(nil), ws...)))
	db := tensor.New(tensor.WithShape(1, n), tensor.WithBacking(append([]float32(nil), bs...)))
	x := gorgonia.NodeFromAny(g, dx, gorgonia.WithName("x"))
	w := gorgonia.NodeFromAny(g, dw, gorgonia.WithName("w"))
	bias := gorgonia.NodeFromAny(g, db, gorgonia.WithName("b"))
	xw := gorgonia.Must(gorgonia.Mul(x, w))
	h := gorgonia.Must(gorgonia.Tanh(gorgonia.Must(gorgonia.BroadcastAdd(xw, bias, nil, []byte{0}))))
	y := gorgonia.Must(gorgonia.SoftMax(h))
	vm := gorgonia.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	want := y.Value().Data().([]float32)

	be := cpu.New(2)
	c := be.NewContext()
	bx, _ := be.FromFloat32(xs, m, k)
	bw, _ := be.FromFloat32(ws, k, n)
	bb, _ := be.FromFloat32(bs, n)
	got := be.Float32(c.Softmax(c.Unary(backend.Tanh, c.Binary(backend.Add, c.MatMul(bx, bw, false, false), bb)), -1))

	var maxAbs, maxRel float64
	worst := 0
	for i := range want {
		d := math.Abs(float64(got[i] - want[i]))
		rel := d / math.Max(math.Abs(float64(want[i])), 1e-6)
		if d > maxAbs {
			maxAbs, worst = d, i
		}
		maxRel = max(maxRel, rel)
	}
	if maxAbs > 1e-6 || maxRel > 1e-5 {
		t.Errorf("cpu vs gorgonia: max abs err %.3g, max rel err %.3g (worst at %d: got %v want %v)",
			maxAbs, maxRel, worst, got[worst], want[worst])
	}
}
