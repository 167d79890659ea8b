package vae

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lockstep-av/lockstep/backend/cpu"
)

func TestParseConfig(t *testing.T) {
	good := defaultConfig()
	js, _ := json.Marshal(good)
	c, err := ParseConfig(map[string]string{"config": string(js)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Samples(25) != 33333 || c.Audio.Tokens(33333) != 53 || c.Video.Frames(7) != 25 {
		t.Errorf("default clip: %d samples, %d tokens, %d frames; want 33333, 53, 25",
			c.Samples(25), c.Audio.Tokens(33333), c.Video.Frames(7))
	}
	for _, tc := range []struct {
		name   string
		edit   func(*Config)
		errHas string
	}{
		{"fps", func(c *Config) { c.FPS = 0 }, "fps"},
		{"channels", func(c *Config) { c.Video.Channels = []int{32, 64} }, "channels"},
		{"temporal", func(c *Config) { c.Video.TemporalFactor = 2 }, "factors"},
		{"video stats", func(c *Config) { c.Video.LatentStd = c.Video.LatentStd[:3] }, "latent_mean"},
		{"hop", func(c *Config) { c.Audio.Hop = 512 }, "hop"},
		{"dec lists", func(c *Config) { c.Audio.DecFactors = []int{4, 5} }, "dec_"},
		{"audio stats", func(c *Config) { c.Audio.LatentMean = nil }, "latent_mean"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := defaultConfig()
			tc.edit(&c)
			js, _ := json.Marshal(c)
			_, err := ParseConfig(map[string]string{"config": string(js)})
			if err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Errorf("got %v, want an error mentioning %q", err, tc.errHas)
			}
		})
	}
	if _, err := ParseConfig(map[string]string{}); err == nil {
		t.Error("no config: no error")
	}
	if _, err := ParseConfig(map[string]string{"config": "{"}); err == nil {
		t.Error("bad JSON: no error")
	}
}

// TestLoadShapeMismatch loads the tiny golden weights with a config whose
// widths disagree and expects an error naming the tensors.
func TestLoadShapeMismatch(t *testing.T) {
	f, b, m := golden(t)
	vc := m.Config.Video
	vc.Channels = []int{8, 16, 32}
	if _, err := LoadVideo(f, b, vc, "weights.video_vae."); err == nil || !strings.Contains(err.Error(), "decoder.conv_in.weight") {
		t.Errorf("video: got %v", err)
	}
	ac := m.Config.Audio
	ac.DecChannels = []int{16, 16, 8, 4}
	if _, err := LoadAudio(f, b, ac, "weights.audio_vae."); err == nil || !strings.Contains(err.Error(), "decoder.conv_out.weight") {
		t.Errorf("audio: got %v", err)
	}
	if _, err := LoadVideo(f, b, m.Config.Video, "weights.nothing."); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("wrong prefix: got %v", err)
	}
}

// TestDefaultShapes runs every module at the default config (random
// weights) on small inputs and checks the output shapes.
func TestDefaultShapes(t *testing.T) {
	b := cpu.New(0)
	m := randomModel(t, b, defaultConfig(), 3)
	ctx := b.NewContext()
	x, err := b.FromFloat32(make([]float32, 3*5*16*16), 1, 3, 5, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	mu, lv := m.Video.Encoder.Encode(ctx, x)
	if got := mu.Shape(); len(got) != 5 || got[1] != 16 || got[2] != 2 || got[3] != 2 || got[4] != 2 || lv.Shape()[1] != 16 {
		t.Errorf("video encoder: %v, %v; want [1 16 2 2 2]", mu.Shape(), lv.Shape())
	}
	if got := m.Video.Decoder.Decode(ctx, mu).Shape(); got[1] != 3 || got[2] != 5 || got[3] != 16 || got[4] != 16 {
		t.Errorf("video decoder: %v, want [1 3 5 16 16]", got)
	}
	w, err := b.FromFloat32(make([]float32, 3*640), 1, 1, 3*640)
	if err != nil {
		t.Fatal(err)
	}
	amu, _ := m.Audio.Encoder.Encode(ctx, w)
	if got := amu.Shape(); got[1] != 8 || got[2] != 3 {
		t.Errorf("audio encoder: %v, want [1 8 3]", got)
	}
	if got := m.Audio.Decoder.Decode(ctx, amu).Shape(); got[2] != 3*640 {
		t.Errorf("audio decoder: %v, want [1 1 1920]", got)
	}
}
