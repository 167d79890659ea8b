package backendtest

import (
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

func TestCompare(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	tests := []struct {
		name           string
		got, want      []float32
		tolAbs, tolRel float64
		bad, worst     int
	}{
		{"exact", []float32{1, -2, 0}, []float32{1, -2, 0}, 0, 0, 0, 0},
		{"within rel", []float32{1.0000005, 100.0003}, []float32{1, 100}, 0, 4e-6, 0, 1},
		{"outside rel", []float32{1.00001, 100}, []float32{1, 100}, 0, 2e-6, 1, 0},
		{"abs floor near zero", []float32{1e-7, 1}, []float32{0, 1}, 1e-6, 0, 0, 0},
		{"zero tolerance", []float32{1, math.Nextafter32(2, 3)}, []float32{1, 2}, 0, 0, 1, 1},
		{"matching infinities and NaN", []float32{inf, nan, -inf}, []float32{inf, nan, -inf}, 0, 0, 0, -1},
		{"NaN for a number", []float32{1, nan}, []float32{1, 2}, 1, 1, 1, 1},
		{"number for infinity", []float32{1e30}, []float32{inf}, 1, 1, 1, 0},
		{"length mismatch", []float32{1}, []float32{1, 2}, 0, 0, 2, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := compare(tt.got, tt.want, tt.tolAbs, tt.tolRel)
			if s.bad != tt.bad || s.worst != tt.worst {
				t.Errorf("bad %d worst %d, want bad %d worst %d (%+v)", s.bad, s.worst, tt.bad, tt.worst, s)
			}
		})
	}
}

func TestUnravel(t *testing.T) {
	if got := unravel(23, []int{2, 3, 4}); !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("unravel(23, [2 3 4]) = %v", got)
	}
	if got := unravel(5, []int{2, 3}); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("unravel(5, [2 3]) = %v", got)
	}
}

// TestFixtures checks the fixture file itself: every case has a known op,
// sane tolerances and an expected output, and every op has a case.
func TestFixtures(t *testing.T) {
	f, cases, err := openFixtures()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Size() > 2<<20 {
		t.Errorf("fixture file is %d bytes; keep it under 2 MiB", f.Size())
	}
	ops := map[string]int{}
	names := map[string]bool{}
	for _, c := range cases {
		if names[c.Name] {
			t.Errorf("duplicate case %s", c.Name)
		}
		names[c.Name] = true
		if _, ok := goldenOps[c.Op]; !ok {
			t.Errorf("case %s: unknown op %q", c.Name, c.Op)
		}
		ops[c.Op]++
		if c.TolAbs < 0 || c.TolRel < 0 || c.TolAbs > 1e-5 || c.TolRel > 1e-5 {
			t.Errorf("case %s: tolerance %g abs + %g rel outside [0, 1e-5]", c.Name, c.TolAbs, c.TolRel)
		}
		if _, ok := f.Info(c.Name + "/out"); !ok {
			t.Errorf("case %s: no %s/out tensor", c.Name, c.Name)
		}
	}
	for op := range goldenOps {
		if ops[op] == 0 {
			t.Errorf("op %s has no case", op)
		}
	}
	t.Logf("%d cases over %d ops", len(cases), len(ops))
}

// contextCoverage says where each backend.Context method is tested: a
// golden op name, or "properties" for methods checked without fixtures.
var contextCoverage = map[string]string{
	"Backend": "properties", "Reset": "properties", "Zeros": "properties", "Constant": "properties",
	"Cast": "cast", "Binary": "binary", "Unary": "unary", "Affine": "affine", "LeakyReLU": "leaky_relu",
	"Reduce": "reduce", "Softmax": "softmax", "MatMul": "matmul", "Reshape": "reshape",
	"Permute": "permute", "Slice": "slice", "Concat": "concat", "Pad": "pad", "Embedding": "embedding",
	"Conv": "conv", "ConvTranspose1d": "conv_transpose1d", "UpsampleNearest": "upsample_nearest",
}

// TestContextCoverage fails when backend.Context gains a method that the
// suite does not test.
func TestContextCoverage(t *testing.T) {
	ct := reflect.TypeFor[backend.Context]()
	for i := range ct.NumMethod() {
		m := ct.Method(i).Name
		op, ok := contextCoverage[m]
		if !ok {
			t.Errorf("Context.%s has no conformance test: add golden cases and list it here", m)
			continue
		}
		if _, golden := goldenOps[op]; !golden && op != "properties" {
			t.Errorf("Context.%s maps to unknown op %q", m, op)
		}
	}
}
