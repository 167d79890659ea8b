package scheduler_test

import (
	"math"
	"slices"
	"testing"

	"github.com/lockstep-av/lockstep/scheduler"
	"github.com/lockstep-av/lockstep/scheduler/gmm"
)

// mixtureMoments returns the exact per-dimension mean and variance of the
// gmm data distribution and the fourth central moment estimate used to size
// the tolerance of the sample variance.
func mixtureMoments() (mean, variance [gmm.D]float64) {
	mu := gmm.Means()
	for i := 0; i < gmm.D; i++ {
		m, m2 := 0.0, 0.0
		for k := 0; k < gmm.K; k++ {
			m += mu[k][i] / gmm.K
			m2 += mu[k][i] * mu[k][i] / gmm.K
		}
		mean[i] = m
		variance[i] = gmm.Std*gmm.Std + m2 - m*m
	}
	return mean, variance
}

// sampleStats returns the per-dimension sample mean and variance of n
// D-vectors and the fraction of samples nearest to each component mean.
func sampleStats(x []float64) (mean, variance [gmm.D]float64, frac [gmm.K]float64) {
	n := len(x) / gmm.D
	mu := gmm.Means()
	for s := 0; s < n; s++ {
		v := x[s*gmm.D : (s+1)*gmm.D]
		best, bk := math.Inf(1), 0
		for k := 0; k < gmm.K; k++ {
			d := 0.0
			for i := range v {
				d += (v[i] - mu[k][i]) * (v[i] - mu[k][i])
			}
			if d < best {
				best, bk = d, k
			}
		}
		frac[bk] += 1 / float64(n)
		for i := range v {
			mean[i] += v[i] / float64(n)
		}
	}
	for s := 0; s < n; s++ {
		for i := 0; i < gmm.D; i++ {
			d := x[s*gmm.D+i] - mean[i]
			variance[i] += d * d / float64(n-1)
		}
	}
	return mean, variance, frac
}

// TestStochasticStatistics runs each stochastic solver on many independent
// initial noises (one batch) and checks the sample mean, variance and mode
// occupancy against the exact mixture within sampling error (5 standard
// errors) plus a small allowance for discretisation bias. The within-
// component scale (std 0.1) is only resolved at small noise levels, so the
// configurations put enough steps there (Karras sigmas or many steps):
// with 50 evenly spaced DDPM steps the fine-scale variance comes out at
// half its value, a genuine discretisation error, not sampling noise.
func TestStochasticStatistics(t *testing.T) {
	const n = 2000
	ops := scheduler.F64Ops{}
	lin := scheduler.VPConfig{}
	cases := []struct {
		name  string
		build func() (scheduler.Sampler[[]float64], error)
	}{
		{"euler_ancestral_karras_100", func() (scheduler.Sampler[[]float64], error) {
			return scheduler.NewEulerAncestral[[]float64](ops, scheduler.KConfig{VP: lin, Sigmas: scheduler.SigmasKarras}, 100, 5)
		}},
		{"ddpm_500", func() (scheduler.Sampler[[]float64], error) {
			return scheduler.NewDDPM[[]float64](ops, scheduler.DDIMConfig{VP: lin, Seed: 5}, 500)
		}},
		{"ddim_eta1_250", func() (scheduler.Sampler[[]float64], error) {
			return scheduler.NewDDIM[[]float64](ops, scheduler.DDIMConfig{VP: lin, Eta: 1, AlphaToOne: true, Seed: 5}, 250)
		}},
		{"dpmpp2m_sde_karras_25", func() (scheduler.Sampler[[]float64], error) {
			return scheduler.NewDPMSolverPP[[]float64](ops, scheduler.DPMConfig{
				MConfig: scheduler.MConfig{VP: lin, Sigmas: scheduler.SigmasKarras}, SDE: true, Seed: 5}, 25)
		}},
		{"dpmpp_2s_ancestral_karras_30", func() (scheduler.Sampler[[]float64], error) {
			return scheduler.NewDPMSolverPP2SAncestral[[]float64](ops, scheduler.KConfig{VP: lin, Sigmas: scheduler.SigmasKarras}, 30, 1, 5)
		}},
		{"dpmpp2m_ode_karras_25", func() (scheduler.Sampler[[]float64], error) {
			return scheduler.NewDPMSolverPP[[]float64](ops, scheduler.DPMConfig{MConfig: scheduler.MConfig{VP: lin, Sigmas: scheduler.SigmasKarras}}, 25)
		}},
	}
	wantMean, wantVar := mixtureMoments()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := c.build()
			if err != nil {
				t.Fatal(err)
			}
			x := scheduler.NewRNG(99, 0).Normals(make([]float64, n*gmm.D))
			if err := s.Sample(gmm.Model(scheduler.Epsilon), x); err != nil {
				t.Fatal(err)
			}
			mean, variance, frac := sampleStats(x)
			worstM, worstV := 0.0, 0.0
			for i := 0; i < gmm.D; i++ {
				se := math.Sqrt(wantVar[i] / n)
				// Var of the sample variance <= 2 var^2/n * kurtosis (<= 3 here).
				seV := wantVar[i] * math.Sqrt(6.0/n)
				zm := math.Abs(mean[i]-wantMean[i]) / se
				zv := math.Abs(variance[i]-wantVar[i]) / (seV + 0.01*wantVar[i])
				worstM, worstV = math.Max(worstM, zm), math.Max(worstV, zv)
				if zm > 5 || zv > 5 {
					t.Errorf("dim %d: mean %.4f (want %.4f, %.1f se), var %.4f (want %.4f, %.1f se)",
						i, mean[i], wantMean[i], zm, variance[i], wantVar[i], zv)
				}
			}
			seF := 5 * math.Sqrt(0.25*0.75/n)
			for k, f := range frac {
				if math.Abs(f-0.25) > seF {
					t.Errorf("component %d holds %.3f of the samples, want 0.25 ± %.3f", k, f, seF)
				}
			}
			t.Logf("%-24s worst mean z %.2f, worst var z %.2f, modes %.3f", c.name, worstM, worstV, frac)
		})
	}
}

// TestStochasticReproducible checks that a seed fixes the whole run and
// that another seed changes it.
func TestStochasticReproducible(t *testing.T) {
	ops := scheduler.F64Ops{}
	run := func(seed uint64) []float64 {
		s, err := scheduler.NewEulerAncestral[[]float64](ops, scheduler.KConfig{}, 10, seed)
		if err != nil {
			t.Fatal(err)
		}
		x := scheduler.NewRNG(1, 0).Normals(make([]float64, 3*gmm.D))
		if err := s.Sample(gmm.Model(scheduler.Epsilon), x); err != nil {
			t.Fatal(err)
		}
		return x
	}
	a, b, c := run(42), run(42), run(43)
	if !slices.Equal(a, b) {
		t.Error("same seed gave different samples")
	}
	if slices.Equal(a, c) {
		t.Error("different seeds gave identical samples")
	}
}
