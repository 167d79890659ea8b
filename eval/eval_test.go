package eval

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lockstep-av/lockstep/scene"
)

// testClips is the number of generated clips the end-to-end tests use.
const testClips = 30

type genClip struct {
	gen    *scene.Clip
	clip   *Clip
	report *Report
}

var (
	genOnce sync.Once
	genSet  []genClip
)

// toClip wraps a generated clip for Evaluate.
func toClip(c *scene.Clip) *Clip {
	return &Clip{
		Frames: c.Frames, Width: c.Spec.Size.W, Height: c.Spec.Size.H, FPS: scene.FPS,
		Audio: c.Audio, SampleRate: scene.SampleRate, Caption: c.Truth.Caption,
	}
}

// generated returns testClips clips from three seeds, evaluated with the
// default options (computed once per test binary).
func generated(t *testing.T) []genClip {
	t.Helper()
	genOnce.Do(func() {
		for i := range testClips {
			g := scene.Generate(uint64(1+i%3), i)
			c := toClip(g)
			r, err := Evaluate(c, DefaultOptions())
			if err != nil {
				t.Fatalf("clip %d: %v", i, err)
			}
			genSet = append(genSet, genClip{g, c, r})
		}
	})
	if len(genSet) != testClips {
		t.Fatal("generated clips unavailable")
	}
	return genSet
}

func TestGeneratedClipsCoverSizes(t *testing.T) {
	sizes := map[scene.FrameSize]int{}
	for _, g := range generated(t) {
		sizes[g.gen.Spec.Size]++
	}
	if len(sizes) != len(scene.FrameSizes) {
		t.Errorf("frame sizes %v, want all of %v", sizes, scene.FrameSizes)
	}
}

// truthColours counts the balls of each colour in the ground truth.
func truthColours(tr scene.Truth) map[string]int {
	m := map[string]int{}
	for _, b := range tr.Balls {
		m[b.Colour]++
	}
	return m
}

func TestBallsMatchTruth(t *testing.T) {
	ok, sizeOK, balls := 0, 0, 0
	for i, g := range generated(t) {
		got := map[string]int{}
		for _, b := range g.report.Balls {
			got[b.Colour]++
		}
		want := truthColours(g.gen.Truth)
		if len(got) == len(want) && !slicesDiffer(got, want) {
			ok++
		} else {
			t.Logf("clip %d (%q): detected %v, truth %v", i, g.gen.Truth.Caption, got, want)
		}
		// Sizes: compare the sorted multisets per colour.
		for _, col := range sortedKeys(want) {
			var ws, gs []string
			for _, b := range g.gen.Truth.Balls {
				if b.Colour == col {
					ws = append(ws, b.Size)
				}
			}
			for _, b := range g.report.Balls {
				if b.Colour == col {
					gs = append(gs, b.Size)
				}
			}
			slices.Sort(ws)
			slices.Sort(gs)
			balls += len(ws)
			if slices.Equal(ws, gs) {
				sizeOK += len(ws)
			}
		}
	}
	rate := float64(ok) / testClips
	t.Logf("ball count and colours agree with the truth in %d/%d clips (%.0f%%); sizes of %d/%d balls", ok, testClips, 100*rate, sizeOK, balls)
	if rate < 0.9 {
		t.Errorf("ball count/colour agreement %.2f, want >= 0.9", rate)
	}
}

func slicesDiffer(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return true
		}
	}
	return false
}

// visibleTruth returns the ground-truth impacts at least MinRelEvent as
// strong as the clip's strongest (the events the metrics count).
func visibleTruth(tr scene.Truth) []scene.Impact {
	var top float64
	for _, im := range tr.Impacts {
		top = math.Max(top, im.Strength)
	}
	var out []scene.Impact
	for _, im := range tr.Impacts {
		if im.Strength >= DefaultOptions().MinRelEvent*top {
			out = append(out, im)
		}
	}
	return out
}

func TestImpactsMatchTruth(t *testing.T) {
	const frame = 1.0 / scene.FPS
	var nDet, detNear, nTruth, truthNear int
	var errs []float64
	for _, g := range generated(t) {
		for _, im := range g.report.Impacts {
			if im.Marginal {
				continue
			}
			nDet++
			best := math.Inf(1)
			for _, gt := range g.gen.Truth.Impacts {
				best = math.Min(best, math.Abs(im.Time-gt.Time))
			}
			if best <= frame {
				detNear++
				errs = append(errs, 1000*best)
			}
		}
		for _, gt := range visibleTruth(g.gen.Truth) {
			nTruth++
			if slices.ContainsFunc(g.report.Impacts, func(im Impact) bool { return math.Abs(im.Time-gt.Time) <= frame }) {
				truthNear++
			}
		}
	}
	prec, rec := frac(detNear, nDet), frac(truthNear, nTruth)
	t.Logf("visual impacts: %d/%d detections within one frame of a true impact (%.1f%%), %d/%d counted true impacts found (%.1f%%); |error| median %.2f ms, p90 %.2f ms",
		detNear, nDet, 100*prec, truthNear, nTruth, 100*rec, median(errs), quantile(errs, 0.9))
	if prec < 0.95 || rec < 0.85 {
		t.Errorf("impact precision %.3f (want >= 0.95), recall %.3f (want >= 0.85)", prec, rec)
	}
}

func TestOnsetsMatchTruth(t *testing.T) {
	const tol = 0.005
	var nOn, onNear, nTruth, truthNear int
	var errs []float64
	for _, g := range generated(t) {
		for _, on := range g.report.Onsets {
			nOn++
			best := math.Inf(1)
			for _, gt := range g.gen.Truth.Impacts {
				best = math.Min(best, math.Abs(on.Time-gt.Time))
			}
			if best <= tol {
				onNear++
				errs = append(errs, 1000*best)
			}
		}
		truth := visibleTruth(g.gen.Truth)
		for _, gt := range truth {
			// Impacts closer than the refractory period sound as one.
			if slices.ContainsFunc(g.gen.Truth.Impacts, func(o scene.Impact) bool {
				return o != gt && math.Abs(o.Time-gt.Time) < DefaultOptions().Onset.Refractory
			}) {
				continue
			}
			nTruth++
			if slices.ContainsFunc(g.report.Onsets, func(on Onset) bool { return math.Abs(on.Time-gt.Time) <= tol }) {
				truthNear++
			}
		}
	}
	prec, rec := frac(onNear, nOn), frac(truthNear, nTruth)
	t.Logf("onsets: %d/%d within 5 ms of a true impact (%.1f%%), %d/%d counted, separable true impacts found (%.1f%%); |error| median %.3f ms, max %.3f ms",
		onNear, nOn, 100*prec, truthNear, nTruth, 100*rec, median(errs), slices.Max(errs))
	if prec < 0.98 || rec < 0.97 {
		t.Errorf("onset precision %.3f (want >= 0.98), recall %.3f (want >= 0.97)", prec, rec)
	}
}

func summarizeAll(rs []*Report) Summary {
	return Summarize(rs, DefaultThresholds(), DefaultOptions().GoodR2)
}

func TestSummaryPassesOnGeneratedClips(t *testing.T) {
	var rs []*Report
	for _, g := range generated(t) {
		rs = append(rs, g.report)
	}
	s := summarizeAll(rs)
	t.Logf("offset median %.2f ms, p90 %.2f ms; |offset| median %.2f ms, p90 %.2f ms (%d pairs); heard %.1f%% of %d impacts, seen %.1f%% of %d onsets; R² median %.6f, %.1f%% of %d segments >= 0.95; colour %.0f%%, count %.0f%%",
		s.Offsets.MedianMS, s.Offsets.P90MS, s.Offsets.MedianAbsMS, s.Offsets.P90AbsMS, s.Offsets.N,
		100*s.HeardFrac, s.Impacts, 100*s.SeenFrac, s.Onsets, s.R2Median, 100*s.R2Good, s.Segments,
		100*s.ColourMatch, 100*s.CountMatch)
	for _, c := range s.Checks {
		if !c.Pass {
			t.Errorf("check %q fails: %g %s %g", c.Name, c.Value, c.Op, c.Threshold)
		}
	}
	if !s.Pass {
		t.Error("summary does not pass on generated clips")
	}
}

// reevaluate evaluates every generated clip after modify changes a copy.
func reevaluate(t *testing.T, modify func(c *Clip)) []*Report {
	t.Helper()
	var rs []*Report
	for i, g := range generated(t)[:12] {
		c := *g.clip
		modify(&c)
		r, err := Evaluate(&c, DefaultOptions())
		if err != nil {
			t.Fatalf("clip %d: %v", i, err)
		}
		rs = append(rs, r)
	}
	return rs
}

func TestShiftedAudioFailsSync(t *testing.T) {
	tests := []struct {
		shift float64 // seconds, positive: audio late
		fail  []string
	}{
		{0.15, []string{"median |A/V offset| (ms)"}},
		{-0.15, []string{"median |A/V offset| (ms)"}},
		{0.3, []string{"impacts heard", "onsets seen"}},
	}
	for _, tc := range tests {
		n := int(math.Round(math.Abs(tc.shift) * scene.SampleRate))
		rs := reevaluate(t, func(c *Clip) {
			a := make([]float32, len(c.Audio))
			if tc.shift > 0 {
				copy(a[n:], c.Audio)
			} else {
				copy(a, c.Audio[n:])
			}
			c.Audio = a
		})
		s := summarizeAll(rs)
		t.Logf("audio shifted %+.0f ms: offset median %+.1f ms, |offset| median %.1f ms (%d pairs), heard %.1f%%, seen %.1f%%",
			1000*tc.shift, s.Offsets.MedianMS, s.Offsets.MedianAbsMS, s.Offsets.N, 100*s.HeardFrac, 100*s.SeenFrac)
		for _, name := range tc.fail {
			if c, ok := s.Check(name); !ok || c.Pass {
				t.Errorf("shift %+.0f ms: check %q passes (%g)", 1000*tc.shift, name, c.Value)
			}
		}
		if s.Pass {
			t.Errorf("shift %+.0f ms: summary passes", 1000*tc.shift)
		}
	}
}

func TestSilentAudioHearsNothing(t *testing.T) {
	rs := reevaluate(t, func(c *Clip) { c.Audio = make([]float32, len(c.Audio)) })
	s := summarizeAll(rs)
	if s.Onsets != 0 || s.ImpactsHeard != 0 || s.HeardFrac != 0 || s.Impacts == 0 {
		t.Errorf("silent audio: %d onsets, %d of %d impacts heard (%.2f)", s.Onsets, s.ImpactsHeard, s.Impacts, s.HeardFrac)
	}
	if c, _ := s.Check("impacts heard"); c.Pass || s.Pass {
		t.Error("silent audio passes")
	}
}

func TestEvaluateIsDeterministic(t *testing.T) {
	g := generated(t)[5]
	a, err := Evaluate(g.clip, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(g.report)
	if string(ja) != string(jb) {
		t.Error("two evaluations of one clip differ")
	}
}

func TestWrongCaptionColour(t *testing.T) {
	for i, g := range generated(t)[:12] {
		if !g.report.ColourMatch {
			continue
		}
		caption := g.clip.Caption
		present := truthColours(g.gen.Truth)
		var wrong string
		for _, c := range scene.Colours {
			if present[c.Name] == 0 {
				wrong = c.Name
				break
			}
		}
		old := g.gen.Truth.Balls[0].Colour
		c := *g.clip
		c.Caption = strings.Replace(caption, " "+old+" ", " "+wrong+" ", 1)
		r, err := Evaluate(&c, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		if r.ColourMatch {
			t.Errorf("clip %d: caption %q matches colours %v", i, c.Caption, r.DetectedColours)
		}
		if r.CountMatch != g.report.CountMatch {
			t.Errorf("clip %d: changing a colour changed the count match", i)
		}
	}
}
