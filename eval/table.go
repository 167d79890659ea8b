package eval

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes a Markdown table with one row per report followed by
// the summary's checks. Names are the reports' Name, or their index.
func WriteMarkdown(w io.Writer, reports []*Report, s *Summary) error {
	var b strings.Builder
	b.WriteString("| clip | caption | balls seen | colour | count | impacts | onsets | heard | seen | offset median (ms) | \\|offset\\| p90 (ms) | R² median |\n")
	b.WriteString("|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for i, r := range reports {
		name := r.Name
		if name == "" {
			name = fmt.Sprint(i)
		}
		var balls []string
		for _, bl := range r.Balls {
			balls = append(balls, bl.Size+" "+bl.Colour)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d | %d | %s | %s | %.1f | %.1f | %.4f |\n",
			cell(name), cell(r.Caption), cell(strings.Join(balls, ", ")), yesNo(r.ColourMatch), yesNo(r.CountMatch),
			r.ImpactsCounted, r.OnsetsCounted, pct(r.HeardFrac), pct(r.SeenFrac),
			r.Offsets.MedianMS, r.Offsets.P90AbsMS, r.R2Median)
	}
	if s != nil {
		fmt.Fprintf(&b, "\n%d clips: %d impacts (%d heard), %d onsets (%d seen), not counting marginal events; %d matched pairs, marginal events included; offset median %.1f ms, p90 %.1f ms, |offset| median %.1f ms, p90 %.1f ms; %d flight segments, %.0f%% with R² ≥ 0.95.\n\n",
			s.Clips, s.Impacts, s.ImpactsHeard, s.Onsets, s.OnsetsSeen, s.Offsets.N, s.Offsets.MedianMS, s.Offsets.P90MS,
			s.Offsets.MedianAbsMS, s.Offsets.P90AbsMS, s.Segments, 100*s.R2Good)
		b.WriteString("| check | value | threshold | result |\n|---|---:|---:|---|\n")
		for _, c := range s.Checks {
			fmt.Fprintf(&b, "| %s | %s | %s %s | %s |\n", cell(c.Name), num(c.Value), c.Op, num(c.Threshold), passFail(c.Pass))
		}
		fmt.Fprintf(&b, "\n**%s**\n", strings.ToUpper(passFail(s.Pass)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell escapes the characters that would break a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func passFail(b bool) string {
	if b {
		return "pass"
	}
	return "fail"
}

func pct(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }

func num(v float64) string {
	if v == noMatches {
		return "none"
	}
	return fmt.Sprintf("%.3g", v)
}
