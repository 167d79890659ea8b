package weights

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/lockstep-av/lockstep/backend"
)

type linear struct {
	Weight backend.Tensor `weight:"weight" shape:"out,in"`
	Bias   backend.Tensor `weight:"bias,optional" shape:"out"`
}

type attn struct {
	Q linear  `weight:"q"`
	K *linear `weight:"k"`
}

type norm struct {
	Scale backend.Tensor `weight:"norm.scale" shape:"out"`
}

type block struct {
	norm   `weight:""`
	Attn   attn    `weight:"attn"`
	FF     *linear `weight:"ff"`
	Ignore int
	cache  []float32
}

type model struct {
	Embed  backend.Tensor `weight:"embed" shape:"8,out"`
	Blocks []block        `weight:"blocks"`
	Head   [1]*linear     `weight:"head"`
}

// modelTensors returns the tensors of a 2-block model with prefix p.
func modelTensors(p string) []Named {
	out := []Named{
		NamedF32(p+"embed", []int{8, 4}, seq(32)),
		NamedF32(p+"head.0.weight", []int{4, 3}, seq(12)),
	}
	for _, b := range []string{"blocks.0.", "blocks.1."} {
		out = append(out, NamedF16(p+b+"norm.scale", []int{4}, seq(4)))
		for _, l := range []string{"attn.q.", "attn.k.", "ff."} {
			out = append(out, NamedBF16(p+b+l+"weight", []int{4, 3}, seq(12)), NamedF32(p+b+l+"bias", []int{4}, seq(4)))
		}
	}
	return out
}

func TestBindSuccess(t *testing.T) {
	ts := append(modelTensors("model."), NamedF32("other.x", []int{1}, []float32{1}))
	f, err := Parse(encode(t, ts, nil))
	if err != nil {
		t.Fatal(err)
	}
	m := model{Blocks: make([]block, 2)}
	opts := BindOptions{Prefix: "model.", Dims: map[string]int{"out": 4, "in": 3}, ReportUnused: true}
	if err := Bind(f, fakeBackend{}, &m, opts); err != nil {
		t.Fatal(err)
	}
	if m.Embed == nil || m.Head[0] == nil || m.Head[0].Weight == nil || m.Head[0].Bias != nil {
		t.Errorf("top level not bound as expected: %+v", m)
	}
	for i, b := range m.Blocks {
		if b.Scale == nil || b.Attn.Q.Weight == nil || b.Attn.K == nil || b.Attn.K.Bias == nil || b.FF == nil || b.FF.Weight == nil {
			t.Errorf("block %d not fully bound: %+v", i, b)
		}
	}
	q := m.Blocks[1].Attn.Q.Weight.(*fakeTensor)
	want, _ := f.Raw("model.blocks.1.attn.q.weight")
	if q.dtype != backend.BF16 || !slices.Equal(q.shape, []int{4, 3}) || &q.raw[0] != &want[0] {
		t.Errorf("q weight is %v %v, not the file's bytes", q.dtype, q.shape)
	}
}

func TestBindListsEveryProblem(t *testing.T) {
	var ts []Named
	for _, n := range modelTensors("") {
		switch n.Name {
		case "blocks.1.attn.q.weight", "blocks.0.norm.scale":
			continue // missing
		case "blocks.0.ff.weight":
			n = NamedF32(n.Name, []int{4, 2}, seq(8)) // mis-shaped
		case "embed":
			n = NamedF32(n.Name, []int{8, 5}, seq(40)) // mis-shaped
		}
		ts = append(ts, n)
	}
	ts = append(ts, NamedF32("extra.b", []int{1}, []float32{1}), NamedF32("extra.a", []int{1}, []float32{1}))
	f, err := Parse(encode(t, ts, nil))
	if err != nil {
		t.Fatal(err)
	}
	m := model{Blocks: make([]block, 2)}
	err = Bind(f, fakeBackend{}, &m, BindOptions{Dims: map[string]int{"out": 4, "in": 3}, ReportUnused: true})
	var be *BindError
	if !errors.As(err, &be) {
		t.Fatalf("got %v, want a *BindError", err)
	}
	if want := []string{"blocks.0.norm.scale", "blocks.1.attn.q.weight"}; !slices.Equal(be.Missing, want) {
		t.Errorf("Missing %v, want %v", be.Missing, want)
	}
	if len(be.Mismatched) != 2 || be.Mismatched[0].String() != "blocks.0.ff.weight: want [4 3] got [4 2]" ||
		be.Mismatched[1].String() != "embed: want [8 4] got [8 5]" {
		t.Errorf("Mismatched %v", be.Mismatched)
	}
	if want := []string{"extra.a", "extra.b"}; !slices.Equal(be.Unused, want) {
		t.Errorf("Unused %v, want %v", be.Unused, want)
	}
	want := "bind weights: 2 missing (blocks.0.norm.scale, blocks.1.attn.q.weight), " +
		"2 mis-shaped (blocks.0.ff.weight: want [4 3] got [4 2], embed: want [8 4] got [8 5]), 2 unused (extra.a, extra.b)"
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
	// Everything that could be bound was.
	if m.Blocks[0].Attn.Q.Weight == nil || m.Blocks[1].FF.Weight == nil {
		t.Error("good tensors left unbound")
	}
}

// ReportUnused looks only under Prefix; without it, extras are fine.
func TestBindUnusedScope(t *testing.T) {
	f, err := Parse(encode(t, []Named{
		NamedF32("enc.w", []int{2}, seq(2)), NamedF32("enc.extra", []int{1}, seq(1)), NamedF32("dec.w", []int{2}, seq(2)),
	}, nil))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		W backend.Tensor `weight:"w" shape:"2"`
	}
	err = Bind(f, fakeBackend{}, &s, BindOptions{Prefix: "enc.", ReportUnused: true})
	if err == nil || err.Error() != "bind weights: 1 unused (enc.extra)" {
		t.Errorf("got %v", err)
	}
	if err := Bind(f, fakeBackend{}, &s, BindOptions{Prefix: "dec.", ReportUnused: true}); err != nil {
		t.Errorf("dec.: %v", err)
	}
	if err := Bind(f, fakeBackend{}, &s, BindOptions{Prefix: "enc."}); err != nil {
		t.Errorf("without ReportUnused: %v", err)
	}
}

func TestBindInvalid(t *testing.T) {
	f, err := Parse(encode(t, []Named{NamedF32("w", []int{2}, seq(2))}, nil))
	if err != nil {
		t.Fatal(err)
	}
	type bad struct {
		A backend.Tensor `weight:"w" shape:"hidden,in"`
		B int            `weight:"b"`
		C backend.Tensor `weight:"w,often"`
		D []int          `weight:"d"`
		E backend.Tensor `weight:""`
		F linear         `weight:"f,optional"`
		g backend.Tensor `weight:"w"`
		H backend.Tensor `weight:"absent,optional" shape:"depth"`
	}
	var v bad
	err = Bind(f, fakeBackend{}, &v, BindOptions{Dims: map[string]int{"in": 2}})
	var be *BindError
	if !errors.As(err, &be) {
		t.Fatalf("got %v", err)
	}
	_ = v.g
	for _, want := range []string{
		`weights.bad.A (w): unknown dim "hidden"`,
		"weights.bad.B: weight tag on a field of type int",
		`weights.bad.C: unknown weight tag option "often"`,
		"weights.bad.D: weight tag on a []int, want a slice of structs",
		"weights.bad.E: empty tensor name in weight tag",
		"weights.bad.F: optional applies to tensor fields only",
		"weights.bad.g: weight tag on an unexported field",
		`weights.bad.H (absent): unknown dim "depth"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if len(be.Invalid) != 8 || !slices.IsSorted(be.Invalid) {
		t.Errorf("Invalid has %d entries (want 8, sorted): %q", len(be.Invalid), be.Invalid)
	}
	for _, dst := range []any{nil, v, &[]int{}, (*bad)(nil)} {
		if err := Bind(f, fakeBackend{}, dst, BindOptions{}); err == nil || !strings.Contains(err.Error(), "want a non-nil pointer to a struct") {
			t.Errorf("Bind(%T): %v", dst, err)
		}
	}
}

type loop struct {
	W    backend.Tensor `weight:"w,optional"`
	Next *loop          `weight:"next"`
}

func TestBindRecursiveType(t *testing.T) {
	f, err := Parse(encode(t, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	err = Bind(f, fakeBackend{}, &loop{}, BindOptions{})
	if err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Errorf("got %v", err)
	}
}
