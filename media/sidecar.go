package media

import (
	"encoding/json"
	"fmt"
)

// WriteJSON writes v as indented JSON to path, through path.partial and a
// rename, for sidecar files that describe a clip (settings, model hash,
// phase timings). A clip's sidecar is conventionally its path with the
// extension replaced by ".json".
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("media: encode %s: %w", path, err)
	}
	pf, err := createPartial(path)
	if err != nil {
		return err
	}
	if _, err := pf.f.Write(append(b, '\n')); err != nil {
		pf.abort()
		return fmt.Errorf("media: write %s: %w", path, err)
	}
	return pf.commit()
}
