package diffusion

import (
	"encoding/json"
	"time"
)

// Timings are the wall-clock times of a run's phases.
type Timings struct {
	TextEncode time.Duration   // prompt and negative/null caption
	Steps      []time.Duration // each model evaluation (with guidance)
	Sampling   time.Duration   // the whole solver loop
	// Decode is the lockstep VAE decoding, output writing excluded;
	// VideoDecode and AudioDecode are its two decoders' shares (the
	// windows interleave, so each is summed over the windows).
	Decode, VideoDecode, AudioDecode time.Duration
	Mux                              time.Duration // time inside the sink (encoding and writing)
}

// timingsJSON is the JSON form of Timings, in seconds.
type timingsJSON struct {
	TextEncode float64   `json:"text_encode_s"`
	Steps      []float64 `json:"steps_s"`
	Sampling   float64   `json:"sampling_s"`
	Decode     float64   `json:"decode_s"`
	Video      float64   `json:"video_decode_s"`
	Audio      float64   `json:"audio_decode_s"`
	Mux        float64   `json:"mux_s"`
}

// MarshalJSON writes every phase in seconds.
func (t Timings) MarshalJSON() ([]byte, error) {
	j := timingsJSON{TextEncode: t.TextEncode.Seconds(), Sampling: t.Sampling.Seconds(),
		Decode: t.Decode.Seconds(), Video: t.VideoDecode.Seconds(), Audio: t.AudioDecode.Seconds(),
		Mux: t.Mux.Seconds(), Steps: make([]float64, len(t.Steps))}
	for i, s := range t.Steps {
		j.Steps[i] = s.Seconds()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the form MarshalJSON writes.
func (t *Timings) UnmarshalJSON(b []byte) error {
	var j timingsJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	*t = Timings{TextEncode: sec(j.TextEncode), Sampling: sec(j.Sampling), Decode: sec(j.Decode),
		VideoDecode: sec(j.Video), AudioDecode: sec(j.Audio), Mux: sec(j.Mux)}
	for _, s := range j.Steps {
		t.Steps = append(t.Steps, sec(s))
	}
	return nil
}
