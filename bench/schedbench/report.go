package schedbench

import (
	"encoding/json"
	"fmt"
	"io"
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
}

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
	for _, r := range recs {
		k := key{r.Solver, r.Schedule, r.NFE}
		if _, ok := errs[k]; !ok {
			order = append(order, k)
		}
		errs[k] = append(errs[k], r.RMSError)
		lats[k] = append(lats[k], r.StepLatencyNs)
	}
	out := make([]Summary, len(order))
	for i, k := range order {
		out[i] = Summary{k.solver, k.sched, k.nfe, median(errs[k]), median(lats[k])}
	}
	return out
}

// Markdown writes the table of median RMS errors: one row per solver and
// schedule (in first-seen order), one column per NFE, and a last column
// with the median per-step latency over all NFE.
func Markdown(w io.Writer, sums []Summary) error {
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
		cell[r][s.NFE] = s.RMSError
		lat[r] = append(lat[r], s.StepLatencyNs)
	}
	var b strings.Builder
	b.WriteString("| solver | schedule |")
	for _, n := range nfes {
		fmt.Fprintf(&b, " %d |", n)
	}
	b.WriteString(" step µs |\n|---|---|")
	for range nfes {
		b.WriteString("---:|")
	}
	b.WriteString("---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s |", r.solver, r.sched)
		for _, n := range nfes {
			if v, ok := cell[r][n]; ok {
				fmt.Fprintf(&b, " %.2e |", v)
			} else {
				b.WriteString(" |")
			}
		}
		fmt.Fprintf(&b, " %.2f |\n", median(lat[r])/1e3)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
