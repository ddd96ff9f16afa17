package chart

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
)

// fixedPalette is a palette of given colours.
type fixedPalette []color.Color

func (p fixedPalette) Colors() []color.Color { return p }

// best is the colour of the outline around a platform's best slots.
var best = color.RGBA{R: 0xd5, G: 0x5e, B: 0x00, A: 0xff}

// weekdays are the heatmap's rows, top to bottom.
var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// BestTimes draws a weekday × hour heatmap of engagement rate for each
// platform of bt that has measured slots (at most four, two a row), in
// bt's time zone. Slots without posts are left white; the best slots of a
// platform are outlined.
func (pt *Painter) BestTimes(bt analytics.BestTimes) ([]byte, error) {
	var names []platform.Name
	for _, p := range order(bt.Platforms) {
		if len(bt.Platforms[p].Grid) > 0 {
			names = append(names, p)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("chart: best times: no platform has measured posts")
	}
	if len(names) > 4 {
		names = names[:4]
	}
	shades, err := brewer.GetPalette(brewer.TypeSequential, "YlGnBu", 9)
	if err != nil {
		return nil, fmt.Errorf("chart: best times palette: %w", err)
	}
	// Without the two palest shades, which read as empty cells on white.
	pal := fixedPalette(shades.Colors()[2:])
	cols := min(2, len(names))
	rows := (len(names) + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for i := range plots {
		plots[i] = make([]*plot.Plot, cols)
	}
	for i, p := range names {
		plots[i/cols][i%cols] = heatPanel(p, bt.Platforms[p], bt.TimeZone, pal)
	}
	h := height
	if rows == 1 {
		h = height * 0.6
	}
	c, img := pt.canvas(width, h)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(10), PadX: vg.Points(12), PadY: vg.Points(8)}
	canvases := plot.Align(plots, tiles, draw.New(c))
	for r := range plots {
		for col, p := range plots[r] {
			if p != nil {
				p.Draw(canvases[r][col])
			}
		}
	}
	ink := []color.RGBA{best}
	for _, c := range pal.Colors() {
		ink = append(ink, color.RGBAModel.Convert(c).(color.RGBA))
	}
	return pt.encode(img, inks(ink...))
}

// heatPanel is one platform's weekday × hour grid.
func heatPanel(p platform.Name, pb analytics.PlatformBestTimes, zone string, pal palette.Palette) *plot.Plot {
	g := newGrid(pb.Grid)
	hm := plotter.NewHeatMap(g, pal)
	hm.NaN = color.White
	hm.Rasterized = false
	if hm.Min == hm.Max {
		hm.Max = hm.Min + 1
	}
	pl := plot.New()
	pl.BackgroundColor = nil // the canvas is white already
	pl.Title.Text = fmt.Sprintf("%s · engagement rate by hour (%s)", p.Label(), zone)
	pl.Title.TextStyle.Font.Size = vg.Points(10)
	pl.Title.TextStyle.Font.Weight = stdfont.WeightBold
	pl.Add(hm)
	for _, s := range pb.Best {
		if d := weekdayRow(s.Weekday); d >= 0 && pb.FromData {
			pl.Add(outline(float64(s.Hour), float64(d)))
		}
	}
	pl.X.Min, pl.X.Max = -0.5, 23.5
	pl.Y.Min, pl.Y.Max = -0.5, 6.5
	pl.X.Tick.Marker = plot.TickerFunc(func(float64, float64) []plot.Tick {
		var ts []plot.Tick
		for h := 0; h < 24; h += 3 {
			ts = append(ts, plot.Tick{Value: float64(h), Label: strconv.Itoa(h) + ":00"})
		}
		return ts
	})
	pl.Y.Tick.Marker = plot.TickerFunc(func(float64, float64) []plot.Tick {
		var ts []plot.Tick
		for i, d := range weekdays {
			ts = append(ts, plot.Tick{Value: float64(len(weekdays) - 1 - i), Label: d[:3]})
		}
		return ts
	})
	return pl
}

// grid is a weekday × hour engagement-rate grid (NaN where no posts);
// row 0 is Sunday at the bottom, so Monday reads first from the top.
type grid struct {
	z        [7][24]float64
	min, max float64
}

func newGrid(slots []analytics.Slot) *grid {
	g := &grid{min: math.Inf(1), max: math.Inf(-1)}
	for r := range g.z {
		for c := range g.z[r] {
			g.z[r][c] = math.NaN()
		}
	}
	for _, s := range slots {
		r := weekdayRow(s.Weekday)
		if r < 0 || s.Hour < 0 || s.Hour > 23 || s.EngagementRate == nil {
			continue
		}
		v := *s.EngagementRate
		g.z[r][s.Hour] = v
		g.min, g.max = math.Min(g.min, v), math.Max(g.max, v)
	}
	if math.IsInf(g.min, 1) {
		g.min, g.max = 0, 1
	}
	return g
}

// weekdayRow is a weekday's row (Monday 6 … Sunday 0), or -1.
func weekdayRow(name string) int {
	for i, d := range weekdays {
		if d == name {
			return len(weekdays) - 1 - i
		}
	}
	return -1
}

func (g *grid) Dims() (c, r int)   { return 24, 7 }
func (g *grid) Z(c, r int) float64 { return g.z[r][c] }
func (g *grid) X(c int) float64    { return float64(c) }
func (g *grid) Y(r int) float64    { return float64(r) }
func (g *grid) Min() float64       { return g.min }
func (g *grid) Max() float64       { return g.max }

// outline marks one cell with a dark border.
func outline(x, y float64) plot.Plotter {
	l, _ := plotter.NewLine(plotter.XYs{{X: x - 0.5, Y: y - 0.5}, {X: x + 0.5, Y: y - 0.5}, {X: x + 0.5, Y: y + 0.5}, {X: x - 0.5, Y: y + 0.5}, {X: x - 0.5, Y: y - 0.5}})
	l.Color = best
	l.Width = vg.Points(1.8)
	return l
}
