package tensortest

import (
	"slices"
	"testing"

	"github.com/lockstep-av/lockstep/weights"
)

func TestCheckpoint(t *testing.T) {
	ts := []weights.Named{weights.NamedF32("x", []int{2}, []float32{1, -2})}
	f, err := weights.Parse(Checkpoint(t, ts, struct{ A int }{3}, map[string]string{"format": "f"}))
	if err != nil {
		t.Fatal(err)
	}
	md := f.Metadata()
	if md["config"] != `{"A":3}` || md["format"] != "f" {
		t.Errorf("metadata %v", md)
	}
	if v, shape := Values(t, f, "x"); !slices.Equal(v, []float32{1, -2}) || !slices.Equal(shape, []int{2}) {
		t.Errorf("x = %v %v", v, shape)
	}
}
