package tensortest

import (
	"bytes"
	"encoding/json"
	"maps"
	"testing"

	"github.com/lockstep-av/lockstep/weights"
)

// Checkpoint returns the safetensors bytes of ts with the metadata meta
// and, when config is not nil, "config" set to config's JSON encoding (a
// model checkpoint's layout). Errors are fatal.
func Checkpoint(t testing.TB, ts []weights.Named, config any, meta map[string]string) []byte {
	t.Helper()
	md := maps.Clone(meta)
	if config != nil {
		js, err := json.Marshal(config)
		if err != nil {
			t.Fatalf("checkpoint config: %v", err)
		}
		if md == nil {
			md = map[string]string{}
		}
		md["config"] = string(js)
	}
	var buf bytes.Buffer
	if err := weights.Write(&buf, ts, md); err != nil {
		t.Fatalf("write checkpoint: %v", err)
	}
	return buf.Bytes()
}
