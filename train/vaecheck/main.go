// Command vaecheck scores video VAE reconstructions with the ball detector of
// package eval: it reads the directory written by train/vae_check.py and, for
// every frame and every ground-truth ball inside the frame, counts the ball as
// found when a detection of its palette colour lies within max(2.5 px, 0.75 r)
// of the true centre. It prints the found fraction (by frame range and by ball
// size), the false detections and eval.Evaluate's colour and count match, for
// the originals and the reconstructions.
//
//	go run ./train/vaecheck [-bg orig] DIR
//
// With -bg orig the detector uses the background estimated from the original
// clip for the reconstruction too (isolating the balls from background
// errors). When the directory also holds NAME.orig.f32 and NAME.rec.f32
// soundtracks (train/audio_vae_check.py with a fourth argument), it scores the
// A/V checks of eval.Evaluate on the original frames with the original and
// with the reconstructed soundtrack: impacts heard, onsets seen and the
// offsets, so the audio VAE is measured against the same bar as a generated
// clip. See docs/demo_model_diagnosis.md.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/lockstep-av/lockstep/eval"
)

// meta is one line of meta.jsonl.
type meta struct {
	Name          string
	Width, Height int
	Frames        int
	Caption       string
	Truth         string
}

// truth is the part of a clip's ground-truth JSON used here.
type truth struct {
	Balls []struct {
		Colour string
		Radius float64
		Track  [][2]float64
	}
}

// tally accumulates the scores of one kind (orig or rec) over the clips.
type tally struct {
	n, found       int
	dets, falseDet int
	errSum         float64
	clipsOK        int // colour and count match the caption
	colourOK       int
	countOK        int
	byFrame        [3][2]int // [range][total, found]
	bySize         [3][2]int // small, medium, large
}

func frameRange(f int) int {
	switch {
	case f < 9:
		return 0
	case f < 25:
		return 1
	}
	return 2
}

func sizeClass(r float64) int {
	switch {
	case r <= 5:
		return 0
	case r <= 7:
		return 1
	}
	return 2
}

func score(fr, bgFrames []uint8, m meta, tr *truth, t *tally, o eval.Options) error {
	W, H, F := m.Width, m.Height, m.Frames
	if len(fr) != F*W*H*3 {
		return fmt.Errorf("%s: %d bytes, want %d", m.Name, len(fr), F*W*H*3)
	}
	bg := eval.EstimateBackground(bgFrames, F, W, H, o.BackgroundTol)
	fsz := W * H * 3
	for f := range F {
		dets := eval.DetectFrame(fr[f*fsz:(f+1)*fsz], bg, f, &o.Detect)
		t.dets += len(dets)
		used := make([]bool, len(dets))
		for _, b := range tr.Balls {
			if f >= len(b.Track) {
				continue
			}
			c := b.Track[f]
			if c[0] < 0 || c[0] > float64(W) || c[1] < 0 || c[1] > float64(H) {
				continue
			}
			fi, si := frameRange(f), sizeClass(b.Radius)
			t.n++
			t.byFrame[fi][0]++
			t.bySize[si][0]++
			best, bi := math.Inf(1), -1
			for k, d := range dets {
				if used[k] || d.Colour != b.Colour {
					continue
				}
				if e := math.Hypot(d.X-c[0], d.Y-c[1]); e < best {
					best, bi = e, k
				}
			}
			if bi >= 0 && best <= math.Max(2.5, 0.75*b.Radius) {
				used[bi] = true
				t.found++
				t.errSum += best
				t.byFrame[fi][1]++
				t.bySize[si][1]++
			}
		}
		for _, u := range used {
			if !u {
				t.falseDet++
			}
		}
	}
	clip := &eval.Clip{Frames: fr, Width: W, Height: H, FPS: 12, Audio: make([]float32, F*16000/12),
		SampleRate: 16000, Caption: m.Caption}
	r, err := eval.Evaluate(clip, o)
	if err != nil {
		return fmt.Errorf("%s: %w", m.Name, err)
	}
	if r.ColourMatch && r.CountMatch {
		t.clipsOK++
	}
	if r.ColourMatch {
		t.colourOK++
	}
	if r.CountMatch {
		t.countOK++
	}
	return nil
}

// avTally accumulates the A/V checks of one soundtrack over the clips.
type avTally struct {
	impacts, heard, onsets, seen int
	offsets                      []float64
}

func (t *avTally) add(r *eval.Report) {
	t.impacts += r.ImpactsCounted
	t.heard += r.ImpactsHeard
	t.onsets += r.OnsetsCounted
	t.seen += r.OnsetsSeen
	for _, m := range r.Matches {
		t.offsets = append(t.offsets, m.OffsetMS)
	}
}

func (t *avTally) String() string {
	st := eval.NewOffsetStats(t.offsets)
	return fmt.Sprintf("impacts heard %d/%d (%.1f%%), onsets seen %d/%d (%.1f%%), |offset| median %.1f ms, p90 %.1f ms",
		t.heard, t.impacts, 100*float64(t.heard)/math.Max(1, float64(t.impacts)),
		t.seen, t.onsets, 100*float64(t.seen)/math.Max(1, float64(t.onsets)), st.MedianAbsMS, st.P90AbsMS)
}

// scoreAudio evaluates the original frames of m with the soundtrack in file.
func scoreAudio(frames []uint8, m meta, file string, t *avTally, o eval.Options) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	audio := make([]float32, len(b)/4)
	for i := range audio {
		audio[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	clip := &eval.Clip{Frames: frames, Width: m.Width, Height: m.Height, FPS: 12, Audio: audio,
		SampleRate: 16000, Caption: m.Caption}
	r, err := eval.Evaluate(clip, o)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	t.add(r)
	return nil
}

func pct(a [2]int) string {
	return fmt.Sprintf("%.1f%% (%d)", 100*float64(a[1])/math.Max(1, float64(a[0])), a[0])
}

func run(dir, bgFrom string) error {
	f, err := os.Open(filepath.Join(dir, "meta.jsonl"))
	if err != nil {
		return err
	}
	defer f.Close()
	o := eval.DefaultOptions()
	kinds := []string{"orig", "rec"}
	tallies := map[string]*tally{"orig": {}, "rec": {}}
	audio := map[string]*avTally{"orig": {}, "rec": {}}
	withAudio := 0
	clips := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m meta
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return fmt.Errorf("meta.jsonl: %w", err)
		}
		b, err := os.ReadFile(m.Truth)
		if err != nil {
			return err
		}
		var tr truth
		if err := json.Unmarshal(b, &tr); err != nil {
			return fmt.Errorf("%s: %w", m.Truth, err)
		}
		frames := map[string][]uint8{}
		for _, k := range kinds {
			if frames[k], err = os.ReadFile(filepath.Join(dir, m.Name+"."+k+".u8")); err != nil {
				return err
			}
		}
		for _, k := range kinds {
			bg := frames[k]
			if bgFrom == "orig" {
				bg = frames["orig"]
			}
			if err := score(frames[k], bg, m, &tr, tallies[k], o); err != nil {
				return err
			}
		}
		if _, err := os.Stat(filepath.Join(dir, m.Name+".rec.f32")); err == nil {
			for _, k := range kinds {
				if err := scoreAudio(frames["orig"], m, filepath.Join(dir, m.Name+"."+k+".f32"), audio[k], o); err != nil {
					return err
				}
			}
			withAudio++
		}
		clips++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	fmt.Printf("%d clips, background from %s\n", clips, bgFrom)
	for _, k := range kinds {
		t := tallies[k]
		fmt.Printf("%-4s ball-frames %d, found %.1f%%, centre error %.2f px, false detections %d, clips with caption colours+count %d/%d (colours %d, count %d)\n",
			k, t.n, 100*float64(t.found)/math.Max(1, float64(t.n)), t.errSum/math.Max(1, float64(t.found)),
			t.falseDet, t.clipsOK, clips, t.colourOK, t.countOK)
		fmt.Printf("     by frame 0-8 %s, 9-24 %s, 25-48 %s; by size small %s, medium %s, large %s\n",
			pct(t.byFrame[0]), pct(t.byFrame[1]), pct(t.byFrame[2]), pct(t.bySize[0]), pct(t.bySize[1]), pct(t.bySize[2]))
	}
	if withAudio > 0 {
		fmt.Printf("A/V on the original frames of %d clips:\n", withAudio)
		for _, k := range kinds {
			fmt.Printf("  %-4s soundtrack: %s\n", k, audio[k])
		}
	}
	return nil
}

func main() {
	bgFrom := flag.String("bg", "self", "background estimate for the reconstruction: self or orig")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: vaecheck [-bg orig] DIR (written by train/vae_check.py)")
	}
	if err := run(flag.Arg(0), *bgFrom); err != nil {
		log.Fatal(err)
	}
}
