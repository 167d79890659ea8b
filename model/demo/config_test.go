package demo

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// goldenConfigJSON is the tiny fixture's config as a generic JSON tree.
func goldenConfigJSON(t *testing.T) map[string]any {
	t.Helper()
	f, _, _, _ := golden(t)
	var m map[string]any
	if err := json.Unmarshal([]byte(f.Metadata()["config"]), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestConfigGolden(t *testing.T) {
	f, m, _, _ := golden(t)
	c := m.Config
	if c.Text.Dim != 32 || c.DiT.Dim != 64 || c.DiT.Heads != 2 || c.DiT.HeadDim() != 32 || len(c.Vocabulary) != 40 ||
		c.Sampling.Steps != 4 || c.AudioVAE.Hop != 640 || c.DiT.AudioTimeStep != 0.12 || len(c.VideoVAE.LatentStd) != 16 {
		t.Errorf("unexpected config: %+v", c)
	}
	if _, err := ConfigFromFile(f); err != nil {
		t.Error(err)
	}
	if !c.DiT.TextPool {
		t.Error("tiny config without text_pool (PyTorch's default_config has it)")
	}
}

// TestConfigTextPoolAbsent: a config without dit.text_pool (checkpoints
// before the key, such as the shipped v2) parses with TextPool false.
func TestConfigTextPoolAbsent(t *testing.T) {
	m := goldenConfigJSON(t)
	delete(sub(m, "dit"), "text_pool")
	js, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig(js)
	if err != nil {
		t.Fatal(err)
	}
	if c.DiT.TextPool {
		t.Error("text_pool absent parses as true")
	}
}

func TestConfigValidation(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(m map[string]any)
		wants []string // substrings of the error, all required
	}{
		{"valid", func(map[string]any) {}, nil},
		{"model", func(m map[string]any) { m["model"] = "other" }, []string{`model is "other"`}},
		{"version", func(m map[string]any) { m["version"] = 2 }, []string{"version is 2"}},
		{"missing text dim", func(m map[string]any) { delete(sub(m, "text"), "dim") }, []string{"text.dim is 0"}},
		{"heads do not divide", func(m map[string]any) { sub(m, "dit")["heads"] = 3 }, []string{"dit.heads (3) does not divide dit.dim (64)"}},
		{"odd rope axes", func(m map[string]any) { sub(m, "dit")["dim"] = 66 }, []string{"head dim 33 splits into RoPE axes [13 10 10]"}},
		{"empty rope axes", func(m map[string]any) { sub(m, "dit")["heads"] = 16 }, []string{"head dim 4 splits into RoPE axes [4 0 0]"}},
		{"patch", func(m map[string]any) { sub(m, "dit")["patch"] = []any{1, 2} }, []string{"dit.patch has 2 entries"}},
		{"eps", func(m map[string]any) { sub(m, "dit")["eps"] = 0 }, []string{"dit.eps is 0"}},
		{"no bos", func(m map[string]any) { vocab(m)[1] = "hello" }, []string{`vocabulary has no "<bos>"`}},
		{"pad first", func(m map[string]any) { vocab(m)[0] = "x" }, []string{`vocabulary[0] is "x", want "<pad>"`}},
		{"duplicate word", func(m map[string]any) { vocab(m)[3] = "a" }, []string{`vocabulary[3] "a" repeats vocabulary[2]`}},
		{"unreachable word", func(m map[string]any) { vocab(m)[3] = "Red" }, []string{`vocabulary[3] "Red" can never be a token`}},
		{"latent stats", func(m map[string]any) { sub(m, "audio_vae")["latent_std"] = []any{1.0, -1.0} },
			[]string{"audio_vae.latent_std has 2 entries, want z_channels = 8", "audio_vae.latent_std[1] is -1"}},
		{"hop", func(m map[string]any) { sub(m, "audio_vae")["hop"] = 600 },
			[]string{"hop × latent_rate = 600 × 25 ≠ sample_rate 16000", "≠ hop 600"}},
		{"frames", func(m map[string]any) { sub(m, "sampling")["frames"] = 24 }, []string{"sampling.frames (24) is not 1 + 4·n"}},
		{"steps and cfg", func(m map[string]any) {
			sub(m, "sampling")["steps"] = 0
			sub(m, "sampling")["cfg_audio"] = -1
		}, []string{"2 problems", "sampling.steps is 0", "sampling.cfg_audio is -1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := goldenConfigJSON(t)
			c.edit(m)
			js, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseConfig(js)
			if c.wants == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", c.wants)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T (%v), want *ConfigError", err, err)
			}
			for _, w := range c.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestConfigSyntax(t *testing.T) {
	for _, js := range []string{`{"model": "lockstep-demo-av", "unknown_key": 1}`, `{"text": {"dim": "wide"}}`, `{"dit": {"text_pool": 1}}`, `{} {}`, `[`} {
		if _, err := ParseConfig([]byte(js)); err == nil {
			t.Errorf("ParseConfig(%s): no error", js)
		} else {
			t.Logf("%s: %v", js, err)
		}
	}
}

func sub(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

func vocab(m map[string]any) []any { return m["vocabulary"].([]any) }

func TestLatentShape(t *testing.T) {
	_, m, _, _ := golden(t)
	c := m.Config
	cases := []struct {
		frames, h, w int
		video        [4]int
		tokens, n    int
		err          string
	}{
		{25, 64, 64, [4]int{16, 7, 8, 8}, 53, 33333, ""},
		{5, 32, 32, [4]int{16, 2, 4, 4}, 11, 6667, ""},
		{1, 16, 48, [4]int{16, 1, 2, 6}, 3, 1333, ""},
		{193, 64, 64, [4]int{16, 49, 8, 8}, 403, 257333, ""},
		{24, 64, 64, [4]int{}, 0, 0, "24 frames is not 1 + 4·n"},
		{25, 64, 40, [4]int{}, 0, 0, "size 40x64 is not a positive multiple of 16x16"},
	}
	for _, k := range cases {
		v, tok, n, err := c.LatentShape(k.frames, k.h, k.w)
		if k.err != "" {
			if err == nil || !strings.Contains(err.Error(), k.err) {
				t.Errorf("LatentShape(%d, %d, %d) error %v, want %q", k.frames, k.h, k.w, err, k.err)
			}
			continue
		}
		if err != nil || v != k.video || tok != k.tokens || n != k.n {
			t.Errorf("LatentShape(%d, %d, %d) = %v, %d, %d, %v; want %v, %d, %d", k.frames, k.h, k.w, v, tok, n, err, k.video, k.tokens, k.n)
		}
	}
}
