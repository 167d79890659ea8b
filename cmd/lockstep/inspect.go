package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/lockstep-av/lockstep/backend"
	"github.com/lockstep-av/lockstep/weights"
)

// inspectCmd lists the contents of a safetensors file.
type inspectCmd struct {
	File string `arg:"" help:"safetensors file" type:"path"`
	JSON bool   `name:"json" help:"Print one JSON object instead of text."`
}

// Run prints the report to standard output.
func (c *inspectCmd) Run() error { return inspect(os.Stdout, c.File, c.JSON) }

// inspectReport is what inspect prints; its JSON form is the --json output.
type inspectReport struct {
	File          string                     `json:"file"`
	SizeBytes     int64                      `json:"size_bytes"`
	TensorCount   int                        `json:"tensor_count"`
	Parameters    int64                      `json:"parameters"`
	ParamsByDType map[string]int64           `json:"parameters_by_dtype"`
	Tensors       []tensorRow                `json:"tensors"`
	Metadata      map[string]json.RawMessage `json:"metadata"`
}

type tensorRow struct {
	Name        string   `json:"name"`
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	Params      int64    `json:"params"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// inspect opens path, validating it, and writes the report to w.
func inspect(w io.Writer, path string, asJSON bool) error {
	f, err := weights.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := buildReport(f, path)
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	return writeText(w, r)
}

func buildReport(f *weights.File, path string) *inspectReport {
	r := &inspectReport{
		File:          path,
		SizeBytes:     f.Size(),
		ParamsByDType: map[string]int64{},
		Tensors:       []tensorRow{},
		Metadata:      map[string]json.RawMessage{},
	}
	for _, name := range f.Names() {
		info, _ := f.Info(name)
		n := int64(info.NumElements())
		r.Tensors = append(r.Tensors, tensorRow{
			Name: name, DType: info.DType.String(), Shape: info.Shape, Params: n,
			DataOffsets: [2]int64{info.Begin, info.End},
		})
		r.Parameters += n
		r.ParamsByDType[info.DType.String()] += n
	}
	r.TensorCount = len(r.Tensors)
	for k, v := range f.Metadata() {
		r.Metadata[k] = metadataValue(v)
	}
	return r
}

// metadataValue embeds v as nested JSON when it is a JSON object or array
// (configs are stored that way) and as a JSON string otherwise.
func metadataValue(v string) json.RawMessage {
	t := strings.TrimSpace(v)
	if (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Valid([]byte(t)) {
		return json.RawMessage(t)
	}
	b, _ := json.Marshal(v) // a string always marshals
	return b
}

func writeText(w io.Writer, r *inspectReport) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "file\t%s\n", r.File)
	fmt.Fprintf(tw, "size\t%d bytes (%s)\n", r.SizeBytes, humanBytes(r.SizeBytes))
	fmt.Fprintf(tw, "tensors\t%d\n", r.TensorCount)
	fmt.Fprintf(tw, "parameters\t%d (%s)\n", r.Parameters, humanCount(r.Parameters))
	for _, dt := range []backend.DType{backend.F32, backend.F16, backend.BF16} {
		if n, ok := r.ParamsByDType[dt.String()]; ok {
			fmt.Fprintf(tw, "  %s\t%d (%s, %s)\n", dt, n, humanCount(n), humanBytes(n*int64(dt.Size())))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.TensorCount > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tDTYPE\tSHAPE\tPARAMS")
		for _, t := range r.Tensors {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", t.Name, t.DType, shapeString(t.Shape), t.Params)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	if len(r.Metadata) == 0 {
		_, err := fmt.Fprintln(w, "metadata: none")
		return err
	}
	fmt.Fprintln(w, "metadata:")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r.Metadata)
}

// shapeString prints a shape as [2, 3] ([] for a scalar).
func shapeString(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// humanCount writes n with a K/M/B suffix (powers of 1000).
func humanCount(n int64) string {
	v := float64(n)
	for _, u := range []struct {
		div    float64
		suffix string
	}{{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}} {
		if v >= u.div {
			return fmt.Sprintf("%.3g%s", v/u.div, u.suffix)
		}
	}
	return fmt.Sprint(n)
}

// humanBytes writes n in B, KiB, MiB or GiB.
func humanBytes(n int64) string {
	v := float64(n)
	for _, u := range []struct {
		div    float64
		suffix string
	}{{1 << 40, "TiB"}, {1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if v >= u.div {
			return fmt.Sprintf("%.3g %s", v/u.div, u.suffix)
		}
	}
	return fmt.Sprintf("%d B", n)
}
