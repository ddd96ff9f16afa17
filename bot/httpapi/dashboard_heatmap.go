package httpapi

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
)

// Heatmap geometry, in SVG user units: 7 weekday rows of 24 hour cells.
const (
	heatLeft, heatTop = 40, 18
	heatCell, heatGap = 26, 2
	heatW             = heatLeft + 24*heatCell + 8
	heatH             = heatTop + 7*heatCell + 34
)

// heatDays are the rows, Monday first.
var heatDays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// heatShades are the cells' colours from the lowest engagement rate to the
// highest (a cell with no posts is blank).
var heatShades = []string{"#dbe9fe", "#a9c9f9", "#6ea3f0", "#3479dc", "#0b4fb3"}

// bestTimesHeatmap draws a platform's weekday × hour engagement rates as an
// SVG grid with day and hour labels, a value in each cell's title and a
// legend of the shades: readable without JavaScript.
func bestTimesHeatmap(p platform.Name, pb analytics.PlatformBestTimes) template.HTML {
	if len(pb.Grid) == 0 {
		return template.HTML(`<p class="hint">No measured ` + esc(p.Label()) + ` posts in the last 90 days: no heatmap yet.</p>`)
	}
	type cell struct {
		rate  *float64
		posts int
	}
	cells := map[string]cell{}
	maxRate := 0.0
	for _, s := range pb.Grid {
		cells[fmt.Sprintf("%s/%d", s.Weekday, s.Hour)] = cell{rate: s.EngagementRate, posts: s.Posts}
		if s.EngagementRate != nil && *s.EngagementRate > maxRate {
			maxRate = *s.EngagementRate
		}
	}
	shade := func(r float64) int {
		if maxRate <= 0 {
			return 0
		}
		return min(len(heatShades)-1, int(r/maxRate*float64(len(heatShades)-1)+0.5))
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="heatmap" viewBox="0 0 %d %d" role="img" aria-labelledby="heat-title heat-desc" xmlns="http://www.w3.org/2000/svg">`, heatW, heatH)
	fmt.Fprintf(&b, `<title id="heat-title">%s engagement rate by weekday and hour</title><desc id="heat-desc">%d measured posts; highest slot %.1f %%.</desc>`,
		esc(p.Label()), pb.MeasuredPosts, maxRate)
	for h := 0; h < 24; h += 3 {
		fmt.Fprintf(&b, `<text class="xlabel" x="%d" y="%d" text-anchor="middle">%02d</text>`, heatLeft+h*heatCell+heatCell/2, heatTop-5, h)
	}
	for row, day := range heatDays {
		y := heatTop + row*heatCell
		fmt.Fprintf(&b, `<text class="ylabel" x="%d" y="%d" text-anchor="end">%s</text>`, heatLeft-6, y+heatCell/2+4, day[:3])
		for h := range 24 {
			x := heatLeft + h*heatCell
			c, ok := cells[fmt.Sprintf("%s/%d", day, h)]
			if !ok {
				fmt.Fprintf(&b, `<rect class="empty" x="%d" y="%d" width="%d" height="%d"/>`, x, y, heatCell-heatGap, heatCell-heatGap)
				continue
			}
			fill, rate := "#eaeef2", "unknown"
			if c.rate != nil {
				fill, rate = heatShades[shade(*c.rate)], fmt.Sprintf("%.1f %%", *c.rate)
			}
			fmt.Fprintf(&b, `<rect class="slot" data-slot="%s-%d" x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s %02d:00: %s engagement over %d posts</title></rect>`,
				day, h, x, y, heatCell-heatGap, heatCell-heatGap, fill, day, h, rate, c.posts)
		}
	}
	ly := heatTop + 7*heatCell + 10
	fmt.Fprintf(&b, `<text class="xlabel" x="%d" y="%d">lower</text>`, heatLeft, ly+12)
	for i, c := range heatShades {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="18" height="14" fill="%s"/>`, heatLeft+44+i*20, ly+1, c)
	}
	fmt.Fprintf(&b, `<text class="xlabel" x="%d" y="%d">higher engagement rate (0 to %.1f %%); blank: no posts</text>`,
		heatLeft+44+len(heatShades)*20+6, ly+12, maxRate)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every dynamic part above is escaped or numeric
}
