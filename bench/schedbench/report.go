package schedbench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
)

// WriteJSON writes one JSON object per record and line (JSON Lines).
func WriteJSON(w io.Writer, recs []Record) error {
	enc := json.NewEncoder(w)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			return fmt.Errorf("write record %d: %w", i, err)
		}
	}
	return nil
}

// Summary is the median over seeds of one solver, schedule and NFE.
type Summary struct {
	Solver, Schedule string
	NFE              int
	RMSError         float64 // median over seeds of the RMS error
	StepLatencyNs    float64 // median over seeds of the median step latency
	// Metrics holds the medians over seeds of the flow-model metrics of
	// the records that have them: MetricPart+name (Record.PartRMSError),
	// MetricDecoded+name (Record.Decoded) and MetricVideoPSNR (the PSNR of
	// the median decoded video RMS error, 20·log10(2/rms) dB).
	Metrics map[string]float64
}

// Metric name prefixes and names of Summary.Metrics.
const (
	MetricPart      = "latent_"  // + part name: RMS latent error of a part
	MetricDecoded   = "decoded_" // + Record.Decoded key, such as decoded_audio_rms
	MetricVideoPSNR = "decoded_video_psnr_db"
)

// Summarize groups records by solver, schedule and NFE (in first-seen
// order) and takes medians over seeds.
func Summarize(recs []Record) []Summary {
	type key struct {
		solver, sched string
		nfe           int
	}
	var order []key
	errs := map[key][]float64{}
	lats := map[key][]float64{}
	extra := map[key]map[string][]float64{}
	for _, r := range recs {
		k := key{r.Solver, r.Schedule, r.NFE}
		if _, ok := errs[k]; !ok {
			order = append(order, k)
			extra[k] = map[string][]float64{}
		}
		errs[k] = append(errs[k], r.RMSError)
		lats[k] = append(lats[k], r.StepLatencyNs)
		for name, v := range r.PartRMSError {
			extra[k][MetricPart+name] = append(extra[k][MetricPart+name], v)
		}
		for name, v := range r.Decoded {
			extra[k][MetricDecoded+name] = append(extra[k][MetricDecoded+name], v)
		}
	}
	out := make([]Summary, len(order))
	for i, k := range order {
		out[i] = Summary{Solver: k.solver, Schedule: k.sched, NFE: k.nfe, RMSError: median(errs[k]), StepLatencyNs: median(lats[k])}
		if len(extra[k]) > 0 {
			out[i].Metrics = map[string]float64{}
			for name, v := range extra[k] {
				out[i].Metrics[name] = median(v)
			}
			if rms, ok := out[i].Metrics[MetricDecoded+"video_rms"]; ok {
				out[i].Metrics[MetricVideoPSNR] = 20 * math.Log10(2/rms)
			}
		}
	}
	return out
}

// Markdown writes the table of median RMS errors: one row per solver and
// schedule (in first-seen order), one column per NFE, and a last column
// with the median per-step latency over all NFE.
func Markdown(w io.Writer, sums []Summary) error {
	return table(w, sums, func(s Summary) (float64, bool) { return s.RMSError, true },
		func(v float64) string { return fmt.Sprintf("%.2e", v) }, "step µs", 1e3)
}

// MarkdownMetric writes the table of one metric of Summary.Metrics
// ("" for RMSError), laid out as Markdown's, with the per-step latency in
// milliseconds (a network's step) in the last column. PSNR cells are
// written with one decimal ("inf" where the error is 0), the others as
// %.2e.
func MarkdownMetric(w io.Writer, sums []Summary, metric string) error {
	format := func(v float64) string { return fmt.Sprintf("%.2e", v) }
	if metric == MetricVideoPSNR {
		format = func(v float64) string {
			if math.IsInf(v, 1) {
				return "inf"
			}
			return fmt.Sprintf("%.1f", v)
		}
	}
	value := func(s Summary) (float64, bool) {
		if metric == "" {
			return s.RMSError, true
		}
		v, ok := s.Metrics[metric]
		return v, ok
	}
	return table(w, sums, value, format, "step ms", 1e6)
}

// table writes one Markdown table of value per solver/schedule row and NFE
// column, and the median step latency divided by latDiv under latHead.
func table(w io.Writer, sums []Summary, value func(Summary) (float64, bool), format func(float64) string, latHead string, latDiv float64) error {
	var nfes []int
	seenNFE := map[int]bool{}
	type row struct{ solver, sched string }
	var rows []row
	seenRow := map[row]bool{}
	cell := map[row]map[int]float64{}
	lat := map[row][]float64{}
	for _, s := range sums {
		if !seenNFE[s.NFE] {
			seenNFE[s.NFE] = true
			nfes = append(nfes, s.NFE)
		}
		r := row{s.Solver, s.Schedule}
		if !seenRow[r] {
			seenRow[r] = true
			rows = append(rows, r)
			cell[r] = map[int]float64{}
		}
		if v, ok := value(s); ok {
			cell[r][s.NFE] = v
		}
		lat[r] = append(lat[r], s.StepLatencyNs)
	}
	var b strings.Builder
	b.WriteString("| solver | schedule |")
	for _, n := range nfes {
		fmt.Fprintf(&b, " %d |", n)
	}
	fmt.Fprintf(&b, " %s |\n|---|---|", latHead)
	for range nfes {
		b.WriteString("---:|")
	}
	b.WriteString("---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s |", r.solver, r.sched)
		for _, n := range nfes {
			if v, ok := cell[r][n]; ok {
				fmt.Fprintf(&b, " %s |", format(v))
			} else {
				b.WriteString(" |")
			}
		}
		fmt.Fprintf(&b, " %.2f |\n", median(lat[r])/latDiv)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
