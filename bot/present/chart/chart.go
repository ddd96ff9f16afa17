// Package chart draws analytics as PNG images, for the doors that show a
// picture rather than a table: Slack (uploaded beside the written
// summary), the dashboard and e-mail. It draws with gonum/plot and reads
// the typed results of tools/analytics; it does no I/O.
package chart

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"time"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
)

// Image size: wide enough for 90 days of dates, small enough for a Slack
// preview (Slack shows images up to 360 px high inline on desktop).
const (
	width  = 8 * vg.Inch
	height = 4.5 * vg.Inch
	dpi    = 96
)

// colors are the series' colours by platform, readable on white and told
// apart by people with the common colour-vision deficiencies (Okabe–Ito).
var colors = map[platform.Name]color.RGBA{
	platform.Facebook:  {R: 0x00, G: 0x72, B: 0xb2, A: 0xff},
	platform.Instagram: {R: 0xcc, G: 0x79, B: 0xa7, A: 0xff},
	platform.Twitter:   {R: 0x11, G: 0x11, B: 0x11, A: 0xff},
	platform.LinkedIn:  {R: 0x00, G: 0x9e, B: 0x73, A: 0xff},
}

// spare colours for series without one of their own.
var spare = []color.RGBA{
	{R: 0xe6, G: 0x9f, B: 0x00, A: 0xff},
	{R: 0xd5, G: 0x5e, B: 0x00, A: 0xff},
	{R: 0x56, G: 0xb4, B: 0xe9, A: 0xff},
}

// Figure is a daily figure a chart can draw, a panel each.
type Figure string

// The figures a daily chart draws.
const (
	Impressions Figure = "impressions"
	Engagement  Figure = "engagement"
	Reach       Figure = "reach"
)

// title is the figure's panel title, and false for an unknown figure.
func (f Figure) title() (string, bool) {
	switch f {
	case Impressions:
		return "Impressions", true
	case Engagement:
		return "Engagement", true
	case Reach:
		return "Reach", true
	}
	return "", false
}

func (f Figure) of(s analytics.Series) []*int64 {
	switch f {
	case Engagement:
		return s.Engagement
	case Reach:
		return s.Reach
	}
	return s.Impressions
}

// Daily draws figs of h (by default impressions above engagement), a
// panel each with a line per platform, as a PNG. A day without figures is
// a gap in the line, never a zero.
func (pt *Painter) Daily(h analytics.History, figs ...Figure) ([]byte, error) {
	names := order(h.Platforms)
	if len(names) == 0 {
		return nil, fmt.Errorf("chart: daily: no platform has figures in %s – %s", h.Range.From, h.Range.To)
	}
	if len(figs) == 0 {
		figs = []Figure{Impressions, Engagement}
	}
	dates := h.Total.Dates
	if len(dates) == 0 {
		dates = h.Platforms[names[0]].Dates
	}
	rows := make([][]*plot.Plot, len(figs))
	for i, f := range figs {
		title, ok := f.title()
		if !ok {
			return nil, fmt.Errorf("chart: daily: no figure %q", f)
		}
		p, err := panel(title, dates, names, func(p platform.Name) []*int64 { return f.of(h.Platforms[p]) }, i == 0)
		if err != nil {
			return nil, err
		}
		rows[i] = []*plot.Plot{p}
	}
	c, img := pt.canvas(width, height*vg.Length(0.2+0.4*float64(len(figs))))
	tiles := draw.Tiles{Rows: len(rows), Cols: 1, PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(10), PadY: vg.Points(4)}
	canvases := plot.Align(rows, tiles, draw.New(c))
	for i := range rows {
		rows[i][0].Draw(canvases[i][0])
	}
	var ink []color.RGBA
	for i, name := range names {
		ink = append(ink, colorOf(name, i))
	}
	return pt.encode(img, inks(ink...))
}

// panel is one figure's plot: a line per platform over the dates.
func panel(title string, dates []string, names []platform.Name, values func(platform.Name) []*int64, legend bool) (*plot.Plot, error) {
	p := plot.New()
	p.BackgroundColor = nil // the canvas is white already; filling it again is a fifth of the drawing
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.Title.TextStyle.Font.Weight = stdfont.WeightBold
	p.Y.Min = 0
	p.Y.Tick.Marker = countTicks{}
	p.X.Tick.Marker = dateTicks(dates)
	p.X.Min, p.X.Max = 0, math.Max(1, float64(len(dates)-1))
	p.Add(plotter.NewGrid())
	top := 0.0
	for i, name := range names {
		col := colorOf(name, i)
		for _, run := range runs(values(name)) {
			l, err := plotter.NewLine(run)
			if err != nil {
				return nil, fmt.Errorf("chart: %s line of %s: %w", title, name, err)
			}
			l.Color = col
			l.Width = vg.Points(1.6)
			p.Add(l)
			if len(run) == 1 { // a day alone between gaps: a dot, or nothing shows
				dot, err := plotter.NewScatter(run)
				if err != nil {
					return nil, fmt.Errorf("chart: %s dot of %s: %w", title, name, err)
				}
				dot.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
				p.Add(dot)
			}
			for _, xy := range run {
				top = math.Max(top, xy.Y)
			}
		}
		if legend {
			sw, _ := plotter.NewLine(plotter.XYs{})
			sw.Color, sw.Width = col, vg.Points(3)
			p.Legend.Add(name.Label(), sw)
		}
	}
	if legend {
		top *= 1.1 + 0.1*float64(len(names)) // room for the legend above the lines
	}
	p.Y.Max = niceCeil(top)
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(6)
	p.Legend.Padding = vg.Points(2)
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	return p, nil
}

// runs splits a series at its unknown days: each run is drawn as its own
// line, so a gap stays a gap.
func runs(vs []*int64) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for i, v := range vs {
		if v == nil {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, plotter.XY{X: float64(i), Y: float64(*v)})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// order is the platforms of ps in display order (plotted platforms
// first, any others by name).
func order[V any](ps map[platform.Name]V) []platform.Name {
	var out []platform.Name
	for _, p := range platform.Social {
		if _, ok := ps[p]; ok {
			out = append(out, p)
		}
	}
	var rest []platform.Name
	for p := range ps {
		if !slices.Contains(out, p) {
			rest = append(rest, p)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

func colorOf(p platform.Name, i int) color.RGBA {
	if c, ok := colors[p]; ok {
		return c
	}
	return spare[i%len(spare)]
}

// dateTicks labels about eight of the dates ("7 Dec").
func dateTicks(dates []string) plot.Ticker {
	return plot.TickerFunc(func(float64, float64) []plot.Tick {
		n := len(dates)
		if n == 0 {
			return nil
		}
		every := max(1, (n+7)/8)
		var ts []plot.Tick
		for i := 0; i < n; i++ {
			t := plot.Tick{Value: float64(i)}
			if (n-1-i)%every == 0 {
				t.Label = dayLabel(dates[i])
			}
			ts = append(ts, t)
		}
		return ts
	})
}

// dayLabel writes a "2006-01-02" date as "7 Dec".
func dayLabel(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("2 Jan")
}

// countTicks labels counts as people read them: 0, 500, 1k, 1.5k, 2M.
type countTicks struct{}

func (countTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = Count(ts[i].Value)
		}
	}
	return ts
}

// Count writes n compactly: 950, 1.2k, 34k, 1.5M.
func Count(n float64) string {
	switch a := math.Abs(n); {
	case a >= 1e6:
		return trim(n/1e6) + "M"
	case a >= 1e3:
		return trim(n/1e3) + "k"
	default:
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
}

func trim(f float64) string {
	if f >= 100 || f == math.Trunc(f) {
		return strconv.FormatFloat(math.Round(f), 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}

// niceCeil rounds an axis maximum up to 1, 2 or 5 times a power of ten,
// so an empty or flat chart still has a readable scale.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 10
	}
	mag := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= v*1.05 {
			return m * mag
		}
	}
	return 10 * mag
}
