package scheduler_test

import (
	"math"
	"strings"
	"testing"

	"github.com/lockstep-av/lockstep/scheduler"
)

// naiveStd is torch.std (N-1 denominator) in float64.
func naiveStd(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(len(x)-1))
}

// naiveGuide is the guidance formula written out for one modality.
func naiveGuide(g scheduler.ModalityGuidance, c, u, s []float64) []float64 {
	out := make([]float64, len(c))
	for i := range c {
		out[i] = c[i]
		if g.Scale != 1 {
			out[i] = u[i] + g.Scale*(c[i]-u[i])
		}
		if g.SkipScale != 0 {
			out[i] += g.SkipScale * (c[i] - s[i])
		}
	}
	if g.Rescale != 0 {
		f := naiveStd(c) / naiveStd(out)
		for i := range out {
			out[i] = g.Rescale*out[i]*f + (1-g.Rescale)*out[i]
		}
	}
	return out
}

func cmpSlices(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	maxAbs, maxRel, at := 0.0, 0.0, -1
	for i := range want {
		d := math.Abs(got[i] - want[i])
		if d > maxAbs {
			maxAbs, at = d, i
		}
		maxRel = math.Max(maxRel, d/math.Max(math.Abs(want[i]), 1e-12))
	}
	if maxRel > tol {
		t.Errorf("%s: max abs %.3g (at %d) max rel %.3g", what, maxAbs, at, maxRel)
	}
}

// TestGuide checks per-modality CFG, layer-skip guidance and CFG rescale
// against the formulas, including destinations that alias an input.
func TestGuide(t *testing.T) {
	ops := scheduler.F64Ops{}
	rng := scheduler.NewRNG(3, 0)
	mk := func(n int) []float64 { return rng.Normals(make([]float64, n)) }
	g := scheduler.Guidance{
		"video": {Scale: 5, Rescale: 0.7},
		"audio": {Scale: 2.5, SkipScale: 1.5},
		"text":  {Scale: 1},
	}
	for _, alias := range []string{"none", "cond", "uncond"} {
		cond := scheduler.Modal[[]float64]{"video": mk(48), "audio": mk(20), "text": mk(4)}
		uncond := scheduler.Modal[[]float64]{"video": mk(48), "audio": mk(20)}
		skip := scheduler.Modal[[]float64]{"audio": mk(20)}
		want := map[string][]float64{}
		for name := range cond {
			want[name] = naiveGuide(g[name], cond[name], uncond[name], skip[name])
		}
		dst := scheduler.Modal[[]float64]{"video": make([]float64, 48), "audio": make([]float64, 20), "text": make([]float64, 4)}
		switch alias {
		case "cond":
			dst = cond
		case "uncond":
			dst = scheduler.Modal[[]float64]{"video": uncond["video"], "audio": uncond["audio"], "text": make([]float64, 4)}
		}
		if err := scheduler.Guide(ops, dst, g, cond, uncond, skip); err != nil {
			t.Fatal(err)
		}
		for name, w := range want {
			cmpSlices(t, alias+"/"+name, dst[name], w, 1e-13)
		}
	}
	// The rescale makes std(result) a blend of std(cond) and std(cfg).
	c, u := mk(64), mk(64)
	for _, phi := range []float64{0, 1} {
		dst := scheduler.Modal[[]float64]{"x": make([]float64, 64)}
		if err := scheduler.Guide(ops, dst, scheduler.Guidance{"x": {Scale: 7, Rescale: phi}},
			scheduler.Modal[[]float64]{"x": c}, scheduler.Modal[[]float64]{"x": u}, nil); err != nil {
			t.Fatal(err)
		}
		want := naiveStd(c)
		if phi == 0 {
			want = naiveStd(naiveGuide(scheduler.ModalityGuidance{Scale: 7}, c, u, nil))
		}
		if got := naiveStd(dst["x"]); math.Abs(got-want) > 1e-12*want {
			t.Errorf("phi %g: std %.15g, want %.15g", phi, got, want)
		}
	}
}

// noStats hides F64Ops' BatchStats.
type noStats struct{ scheduler.Ops[[]float64] }

func TestGuideErrors(t *testing.T) {
	x := scheduler.Modal[[]float64]{"v": {1, 2, 3}}
	dst := scheduler.Modal[[]float64]{"v": make([]float64, 3)}
	for _, tc := range []struct {
		g      scheduler.Guidance
		ops    scheduler.Ops[[]float64]
		uncond scheduler.Modal[[]float64]
		want   string
	}{
		{scheduler.Guidance{"v": {Scale: 3}}, scheduler.F64Ops{}, nil, "no unconditional"},
		{scheduler.Guidance{"v": {Scale: 1, SkipScale: 2}}, scheduler.F64Ops{}, x, "no skip-layer"},
		{scheduler.Guidance{"v": {Scale: 3, Rescale: 0.5}}, noStats{scheduler.F64Ops{}}, x, "BatchStats"},
	} {
		err := scheduler.Guide(tc.ops, dst, tc.g, x, tc.uncond, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.g, err, tc.want)
		}
	}
}

func TestSkipConfig(t *testing.T) {
	c := scheduler.SkipConfig{Layers: []int{7, 8}, Modalities: []string{"video"}, Start: 0.01, Stop: 0.2}
	var active []int
	for i := 0; i < 20; i++ {
		if c.Active(i, 20) {
			active = append(active, i)
		}
	}
	if len(active) != 3 || active[0] != 1 || active[2] != 3 {
		t.Errorf("active steps %v, want [1 2 3]", active)
	}
	h := c.Hook()
	for _, tc := range []struct {
		layer int
		mod   string
		want  bool
	}{{7, "video", true}, {8, "video", true}, {6, "video", false}, {7, "audio", false}} {
		if got := h(tc.layer, tc.mod); got != tc.want {
			t.Errorf("hook(%d, %s) = %v", tc.layer, tc.mod, got)
		}
	}
	if !(scheduler.SkipConfig{Layers: []int{2}}).Hook()(2, "audio") {
		t.Error("nil Modalities should skip every modality")
	}
}
