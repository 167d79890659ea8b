package scheduler

import (
	"fmt"
	"math"
	"slices"
)

// Modal is a latent made of named modalities (for example "video" and
// "audio"), each a latent of its own that may use its own schedule and
// guidance.
type Modal[T any] map[string]T

// ModalityGuidance is the guidance of one modality. With the model's
// predictions cond (with the prompt), uncond (without) and skip (with the
// prompt and some layers skipped, see LayerSkip), Guide computes
//
//	g   = uncond + Scale*(cond - uncond)             classifier-free guidance
//	g  += SkipScale*(cond - skip)                    layer-skip guidance
//	g   = Rescale*g*std(cond)/std(g) + (1-Rescale)*g CFG rescale
//
// where std is taken per batch item over all other axes with torch.std's
// N-1 denominator (diffusers' rescale_noise_cfg, Lin et al. 2023, eq. 15-16).
// The predictions are of any one type (epsilon, v, velocity) the solver
// expects.
type ModalityGuidance struct {
	Scale     float64 // CFG scale; 1 returns cond, 0 uncond
	Rescale   float64 // guidance_rescale phi in [0, 1]; 0 disables
	SkipScale float64 // layer-skip guidance scale; 0 disables (skip unused)
}

// Guidance maps modality names to their guidance.
type Guidance map[string]ModalityGuidance

// BatchStats is implemented by Ops whose latents have a leading batch axis
// and that can reduce over the other axes; CFG rescale needs it.
type BatchStats[T any] interface {
	// BatchStd returns, per batch item, the standard deviation over all
	// other axes with the N-1 denominator.
	BatchStd(x T) []float64
	// ScaleBatch sets dst = s[b]*x for every batch item b.
	ScaleBatch(dst T, s []float64, x T)
}

// BatchStd treats the slice as one batch item: its unbiased standard
// deviation, accumulated in float64.
func (F64Ops) BatchStd(x []float64) []float64 { return []float64{stdUnbiased(x)} }

// ScaleBatch sets dst = s[0]*x (one batch item).
func (F64Ops) ScaleBatch(dst []float64, s []float64, x []float64) {
	for i := range dst {
		dst[i] = s[0] * x[i]
	}
}

// stdUnbiased returns sqrt(sum((x-mean)^2)/(n-1)).
func stdUnbiased(x []float64) float64 {
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

// Guide combines the predictions of every modality of cond into dst (a
// Modal with the same modalities, each a latent made by ops; dst may alias
// cond or uncond). skip may be nil when no modality has a SkipScale. A
// modality missing from g gets Scale 1 (the conditional prediction).
func Guide[T any](ops Ops[T], dst Modal[T], g Guidance, cond, uncond, skip Modal[T]) error {
	names := make([]string, 0, len(cond))
	for name := range cond {
		names = append(names, name)
	}
	slices.Sort(names) // deterministic order of backend work
	for _, name := range names {
		mg, ok := g[name]
		if !ok {
			mg = ModalityGuidance{Scale: 1}
		}
		c, u, d := cond[name], uncond[name], dst[name]
		if _, ok := uncond[name]; !ok && mg.Scale != 1 {
			return fmt.Errorf("guidance: modality %q has no unconditional prediction", name)
		}
		if _, ok := dst[name]; !ok {
			return fmt.Errorf("guidance: modality %q missing from the destination", name)
		}
		var std []float64
		if mg.Rescale != 0 {
			bs, ok := ops.(BatchStats[T])
			if !ok {
				return fmt.Errorf("guidance: CFG rescale for %q needs Ops with BatchStats", name)
			}
			std = bs.BatchStd(c) // before dst (which may alias cond) is written
		}
		var s T
		if mg.SkipScale != 0 {
			sk, ok := skip[name]
			if !ok {
				return fmt.Errorf("guidance: modality %q has a skip scale but no skip-layer prediction", name)
			}
			s = sk
		}
		// One linear combination, so that dst may alias any input:
		// (1-S)*u + (S+k)*c - k*s.
		coef, xs := []float64{mg.Scale + mg.SkipScale}, []T{c}
		if mg.Scale != 1 {
			coef, xs = append(coef, 1-mg.Scale), append(xs, u)
		}
		if mg.SkipScale != 0 {
			coef, xs = append(coef, -mg.SkipScale), append(xs, s)
		}
		if len(coef) == 1 && coef[0] == 1 {
			ops.Copy(d, c)
		} else {
			ops.LinComb(d, coef, xs)
		}
		if mg.Rescale != 0 {
			bs := ops.(BatchStats[T])
			sg := bs.BatchStd(d)
			f := make([]float64, len(sg))
			for b := range f {
				f[b] = mg.Rescale*std[b]/sg[b] + 1 - mg.Rescale
			}
			bs.ScaleBatch(d, f, d)
		}
	}
	return nil
}

// LayerSkip is the hook of layer-skip guidance (SD3.5's skip-layer
// guidance, spatiotemporal skip guidance): for the extra "skip" evaluation
// of a step the pipeline hands the model a LayerSkip, and the model calls
// it once per transformer block and modality before running the block;
// where it returns true the model bypasses that block for that modality's
// tokens (the block's output is its input). A nil LayerSkip skips nothing,
// so models call it as `if skip != nil && skip(layer, modality)`.
type LayerSkip func(layer int, modality string) bool

// SkipConfig selects the layers to skip and the part of the sampling run
// in which layer-skip guidance is active.
type SkipConfig struct {
	Layers     []int    // block indices to skip
	Modalities []string // modalities affected (nil: all)
	// Start and Stop are fractions of the run: the guidance is active at
	// steps i with Start <= i/steps < Stop (diffusers'
	// skip_guidance_start/stop, defaults 0.01 and 0.2 for SD3.5).
	Start, Stop float64
}

// Active reports whether layer-skip guidance applies at step i of n.
func (c SkipConfig) Active(i, n int) bool {
	f := float64(i) / float64(n)
	return f >= c.Start && f < c.Stop
}

// Hook returns the LayerSkip that skips c.Layers for c.Modalities.
func (c SkipConfig) Hook() LayerSkip {
	layers := slices.Clone(c.Layers)
	mods := slices.Clone(c.Modalities)
	return func(layer int, modality string) bool {
		return slices.Contains(layers, layer) && (mods == nil || slices.Contains(mods, modality))
	}
}
