package diffusion

import (
	"fmt"
	"image"
	"math"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/internal/linfit"
	"github.com/lockstep-av/lockstep/scheduler"
)

// PreviewMap is a linear map from a normalised video latent pixel (C
// channels) to RGB in [0, 1]: rgb[k] = Σ_c W[k][c]·z[c] + W[k][C].
type PreviewMap struct {
	C int
	W [3][]float64 // C weights and a bias per colour
}

// Preview fitting: previewFrames random latent frames of previewSide² latent
// pixels, drawn from stream previewStream of seed previewSeed.
const (
	previewFrames = 4
	previewSide   = 8
	previewSeed   = 0x6c6f636b73746570 // "lockstep"
	previewStream = 2
)

// PreviewMap returns the checkpoint's latent→RGB map, fitted on first use
// and cached: previewFrames latent frames of unit normal noise
// (scheduler.NewRNG(previewSeed, 2)) are decoded by the video VAE one at a
// time, each decoded frame is average-pooled over the spatial factor to
// the latent grid, and the weights solve the least-squares normal
// equations (AᵀA)w = Aᵀy in float64 for each colour.
func (p *Pipeline) PreviewMap() (*PreviewMap, error) {
	p.previewOnce.Do(func() { p.preview, p.previewErr = p.fitPreview() })
	return p.preview, p.previewErr
}

func (p *Pipeline) fitPreview() (pm *PreviewMap, err error) {
	defer backend.Recover(&err, "diffusion: preview map")
	b := p.Backend
	vc := p.VAE.Config.Video
	C, sf, n := vc.ZChannels, vc.SpatialFactor, previewSide
	rng := scheduler.NewRNG(previewSeed, previewStream)
	ctx := b.NewContext()
	var rows [][]float64 // features z[0..C-1], 1
	var ys [3][]float64
	for range previewFrames {
		z := make([]float32, C*n*n)
		for i := range z {
			z[i] = float32(rng.Normal())
		}
		mu := vc.Denormalize(ctx, ctx.Constant(z, 1, C, 1, n, n))
		y := b.Float32(p.VAE.Video.Decoder.Decode(ctx, mu)) // [1, 3, 1, n·sf, n·sf]
		W := n * sf
		if len(y) != 3*W*W {
			return nil, fmt.Errorf("diffusion: preview map: decoder gave %d values for one %dx%d frame", len(y), W, W)
		}
		for i := range n {
			for j := range n {
				row := make([]float64, C+1)
				for c := range C {
					row[c] = float64(z[(c*n+i)*n+j])
				}
				row[C] = 1
				rows = append(rows, row)
				for k := range 3 {
					s := 0.0
					for di := range sf {
						for dj := range sf {
							s += float64(y[(k*W+i*sf+di)*W+j*sf+dj])
						}
					}
					ys[k] = append(ys[k], (s/float64(sf*sf)+1)/2)
				}
			}
		}
		ctx.Reset()
	}
	pm = &PreviewMap{C: C}
	for k := range 3 {
		w, _, ok := linfit.LeastSquares(rows, ys[k])
		if !ok {
			return nil, fmt.Errorf("diffusion: preview map: singular normal equations")
		}
		pm.W[k] = w
	}
	return pm, nil
}

// Apply maps the latent video frame f of l to an image of the latent
// grid's size (h×w).
func (pm *PreviewMap) Apply(l *Latents, f int) *image.RGBA {
	s := l.VideoShape
	C, F, h, w := s[1], s[2], s[3], s[4]
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range h {
		for j := range w {
			o := img.PixOffset(j, i)
			for k := range 3 {
				v := pm.W[k][pm.C]
				for c := range min(C, pm.C) {
					v += pm.W[k][c] * float64(l.Video[((c*F+f)*h+i)*w+j])
				}
				img.Pix[o+k] = uint8(math.Round(255 * min(max(v, 0), 1)))
			}
			img.Pix[o+3] = 255
		}
	}
	return img
}

// Preview returns every latent video frame of l side by side (F·w × h
// pixels: one pixel per latent pixel) through the checkpoint's PreviewMap.
func (p *Pipeline) Preview(l *Latents) (*image.RGBA, error) {
	pm, err := p.PreviewMap()
	if err != nil {
		return nil, err
	}
	s := l.VideoShape
	F, h, w := s[2], s[3], s[4]
	out := image.NewRGBA(image.Rect(0, 0, F*w, h))
	for f := range F {
		fr := pm.Apply(l, f)
		for i := range h {
			copy(out.Pix[out.PixOffset(f*w, i):out.PixOffset((f+1)*w, i)], fr.Pix[fr.PixOffset(0, i):fr.PixOffset(w, i)])
		}
	}
	return out, nil
}
