package schedbench

import (
	"fmt"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// WritePNG draws log median RMS error against log NFE, one panel per
// schedule (two columns) and one line per solver, as a PNG.
func WritePNG(w io.Writer, sums []Summary, title string) error {
	var scheds, solvers []string
	seen := map[string]bool{}
	pts := map[[2]string]plotter.XYs{}
	for _, s := range sums {
		if !seen["sc:"+s.Schedule] {
			seen["sc:"+s.Schedule] = true
			scheds = append(scheds, s.Schedule)
		}
		if !seen["so:"+s.Solver] {
			seen["so:"+s.Solver] = true
			solvers = append(solvers, s.Solver)
		}
		if s.RMSError > 0 && !math.IsInf(s.RMSError, 0) && !math.IsNaN(s.RMSError) {
			k := [2]string{s.Schedule, s.Solver}
			pts[k] = append(pts[k], plotter.XY{X: float64(s.NFE), Y: s.RMSError})
		}
	}
	if len(scheds) == 0 {
		return fmt.Errorf("plot: no results")
	}
	cols := min(2, len(scheds))
	rows := (len(scheds) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
	}
	for i, sc := range scheds {
		p := plot.New()
		p.Title.Text = fmt.Sprintf("%s: %s sigmas", title, sc)
		p.X.Label.Text = "NFE (model evaluations)"
		p.Y.Label.Text = "median RMS error vs reference"
		p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
		p.Add(plotter.NewGrid())
		p.Legend.Top = false
		p.Legend.Left = true
		p.Legend.TextStyle.Font.Size = vg.Points(8)
		for j, so := range solvers {
			xy := pts[[2]string{sc, so}]
			if len(xy) == 0 {
				continue
			}
			l, s, err := plotter.NewLinePoints(xy)
			if err != nil {
				return fmt.Errorf("plot %s/%s: %w", sc, so, err)
			}
			l.Color = plotutil.Color(j)
			l.Dashes = plotutil.Dashes(j / 7)
			s.Color = plotutil.Color(j)
			s.Shape = plotutil.Shape(j)
			p.Add(l, s)
			p.Legend.Add(so, l, s)
		}
		grid[i/cols][i%cols] = p
	}
	for r := range grid {
		for c := range grid[r] {
			if grid[r][c] == nil {
				grid[r][c] = plot.New()
				grid[r][c].HideAxes()
			}
		}
	}
	img := vgimg.New(vg.Points(float64(cols)*420), vg.Points(float64(rows)*340))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(grid, tiles, dc)
	for r := range grid {
		for c := range grid[r] {
			grid[r][c].Draw(canvases[r][c])
		}
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		return fmt.Errorf("write png: %w", err)
	}
	return nil
}
