package media

import (
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// naiveScale is an independent reference for Scale: it supersamples each
// output pixel's area on a fine grid (exact for integer ratios).
func naiveScale(src *image.RGBA, w, h, sub int) [][4]float64 {
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	out := make([][4]float64, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var acc [4]float64
			for sy := 0; sy < sub; sy++ {
				for sx := 0; sx < sub; sx++ {
					fx := (float64(x) + (float64(sx)+0.5)/float64(sub)) * float64(sw) / float64(w)
					fy := (float64(y) + (float64(sy)+0.5)/float64(sub)) * float64(sh) / float64(h)
					o := src.PixOffset(int(fx), int(fy))
					for c := 0; c < 4; c++ {
						acc[c] += float64(src.Pix[o+c])
					}
				}
			}
			for c := range acc {
				acc[c] /= float64(sub * sub)
			}
			out[y*w+x] = acc
		}
	}
	return out
}

func TestScale(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := testFrame(5, 36, 24, 50, rng)
	for _, tc := range []struct {
		w, h int
		tol  float64
	}{{18, 12, 0.5}, {12, 8, 0.5}, {36, 24, 0}, {7, 5, 3}, {50, 30, 3}} {
		got := Scale(src, tc.w, tc.h)
		ref := naiveScale(src, tc.w, tc.h, 72)
		maxErr, at := 0.0, 0
		for i := range ref {
			for c := 0; c < 4; c++ {
				if e := math.Abs(float64(got.Pix[4*i+c]) - ref[i][c]); e > maxErr {
					maxErr, at = e, 4*i+c
				}
			}
		}
		if maxErr > tc.tol {
			t.Errorf("Scale to %dx%d: max abs error %.3f at byte %d, want <= %v", tc.w, tc.h, maxErr, at, tc.tol)
		}
	}
}

func TestSpriteIndices(t *testing.T) {
	for _, tc := range []struct {
		total, n int
		want     []int
	}{
		{49, 5, []int{0, 12, 24, 36, 48}},
		{10, 4, []int{0, 3, 6, 9}},
		{3, 8, []int{0, 1, 2}},
		{9, 1, []int{4}},
		{0, 4, nil},
	} {
		if got := SpriteIndices(tc.total, tc.n); !slices.Equal(got, tc.want) {
			t.Errorf("SpriteIndices(%d, %d) = %v, want %v", tc.total, tc.n, got, tc.want)
		}
	}
}

func TestThumbnailAndSpritesheet(t *testing.T) {
	var frames []*image.RGBA
	for i := 0; i < 13; i++ {
		frames = append(frames, testFrame(i, 32, 24, 0, nil))
	}
	th := Thumbnail(frames, 16)
	if th.Bounds().Dx() != 16 || th.Bounds().Dy() != 12 {
		t.Fatalf("thumbnail %v, want 16x12", th.Bounds())
	}
	if !slices.Equal(th.Pix, Scale(frames[6], 16, 12).Pix) {
		t.Error("thumbnail is not the scaled middle frame")
	}
	sheet := Spritesheet(frames, 5, 3, 16)
	if sheet.Bounds().Dx() != 48 || sheet.Bounds().Dy() != 24 {
		t.Fatalf("spritesheet %v, want 48x24 (3 columns, 2 rows of 16x12)", sheet.Bounds())
	}
	// Tile 4 (row 1, column 1) is frame 12 scaled.
	tile := Scale(frames[12], 16, 12)
	for y := 0; y < 12; y++ {
		for x := 0; x < 16; x++ {
			if sheet.RGBAAt(16+x, 12+y) != tile.RGBAAt(x, y) {
				t.Fatalf("spritesheet tile 4 pixel (%d,%d) = %v, want %v", x, y, sheet.RGBAAt(16+x, 12+y), tile.RGBAAt(x, y))
			}
		}
	}
	if c := sheet.RGBAAt(40, 20); c.R != 0 || c.G != 0 || c.B != 0 || c.A != 255 {
		t.Errorf("empty cell pixel %v, want opaque black", c)
	}

	// The streaming collector gives the same images.
	pc := NewPreviewCollector(len(frames), 5, 16)
	for i := 0; i < len(frames); i += 4 {
		pc.WriteWindow(frames[i:min(i+4, len(frames))], nil)
	}
	if !slices.Equal(pc.Spritesheet(3).Pix, sheet.Pix) || !slices.Equal(pc.Thumbnail(16).Pix, th.Pix) {
		t.Error("PreviewCollector differs from Spritesheet/Thumbnail on the same frames")
	}
	if err := WritePNG(filepath.Join(t.TempDir(), "sheet.png"), sheet); err != nil {
		t.Fatal(err)
	}
}

func TestWriteJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clip.json")
	if err := WriteJSON(path, map[string]any{"seed": 7, "prompt": "two balls"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "{\n  \"prompt\": \"two balls\",\n  \"seed\": 7\n}\n" {
		t.Errorf("WriteJSON wrote %q, %v", b, err)
	}
	if err := WriteJSON(filepath.Join(t.TempDir(), "x.json"), func() {}); err == nil {
		t.Error("WriteJSON of a func succeeded")
	}
}
