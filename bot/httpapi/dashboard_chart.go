package httpapi

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
)

// chartColors are the series' colours by platform (readable on white).
var chartColors = map[platform.Name]string{
	platform.Facebook: "#1f5fbf", platform.Instagram: "#b3287a", platform.Twitter: "#111111", platform.LinkedIn: "#0a7d6f",
}

// Chart geometry, in SVG user units.
const (
	chartW, chartH             = 720, 260
	chartLeft, chartRight      = 56, 12
	chartTop, chartBottom      = 12, 36
	chartTicks, chartDateEvery = 5, 7
)

// impressionsChart draws the daily impressions of each platform of h.
func impressionsChart(h analytics.History) template.HTML {
	return seriesChart(h, "Impressions", func(s analytics.Series) []*int64 { return s.Impressions })
}

// seriesChart draws one daily figure (label, read by metric) of each
// platform of h as an SVG line chart with axes, labels, a legend and one
// marker per known day: readable without JavaScript. A day without figures
// is a gap, not a zero.
func seriesChart(h analytics.History, label string, metric func(analytics.Series) []*int64) template.HTML {
	names := make([]platform.Name, 0, len(h.Platforms))
	for p := range h.Platforms {
		names = append(names, p)
	}
	sort.Slice(names, func(i, j int) bool { return names[i] < names[j] })
	var dates []string
	maxV := int64(0)
	for _, p := range names {
		s := h.Platforms[p]
		if len(s.Dates) > len(dates) {
			dates = s.Dates
		}
		for _, v := range metric(s) {
			if v != nil && *v > maxV {
				maxV = *v
			}
		}
	}
	if len(dates) == 0 || len(names) == 0 {
		return template.HTML(`<p class="hint">No analytics yet: figures appear after the daily sync (or Sync now).</p>`)
	}
	top := niceCeil(maxV)
	plotW, plotH := float64(chartW-chartLeft-chartRight), float64(chartH-chartTop-chartBottom)
	x := func(i int) float64 {
		if len(dates) == 1 {
			return chartLeft + plotW/2
		}
		return chartLeft + plotW*float64(i)/float64(len(dates)-1)
	}
	y := func(v int64) float64 { return chartTop + plotH*(1-float64(v)/float64(top)) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">`, chartW, chartH)
	fmt.Fprintf(&b, `<title id="chart-title">%s per day by platform</title><desc id="chart-desc">%s to %s; highest day %d.</desc>`,
		esc(label), esc(dates[0]), esc(dates[len(dates)-1]), maxV)
	for t := 0; t <= chartTicks; t++ { // y axis: grid lines and labels
		v := top * int64(t) / chartTicks
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, chartLeft, chartW-chartRight, y(v), y(v))
		fmt.Fprintf(&b, `<text class="ylabel" x="%d" y="%.1f" text-anchor="end">%s</text>`, chartLeft-6, y(v)+4, compact(v))
	}
	fmt.Fprintf(&b, `<line class="axis" x1="%d" x2="%d" y1="%d" y2="%d"/>`, chartLeft, chartW-chartRight, chartH-chartBottom, chartH-chartBottom)
	fmt.Fprintf(&b, `<line class="axis" x1="%d" x2="%d" y1="%d" y2="%d"/>`, chartLeft, chartLeft, chartTop, chartH-chartBottom)
	for i, d := range dates { // x axis: a date label a week apart, and the last day
		anchor := "middle"
		if i == len(dates)-1 && len(dates) > 1 {
			anchor = "end" // the last day's label stays inside the chart
		}
		if (i%chartDateEvery == 0 && len(dates)-1-i >= 3) || i == len(dates)-1 {
			fmt.Fprintf(&b, `<text class="xlabel" x="%.1f" y="%d" text-anchor="%s">%s</text>`, x(i), chartH-chartBottom+16, anchor, esc(shortDate(d)))
		}
	}
	for _, p := range names {
		s, color := h.Platforms[p], chartColors[p]
		var seg []string
		flush := func() {
			if len(seg) > 1 {
				fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, color, strings.Join(seg, " "))
			}
			seg = nil
		}
		for i, v := range metric(s) {
			if v == nil || i >= len(dates) {
				flush()
				continue
			}
			seg = append(seg, fmt.Sprintf("%.1f,%.1f", x(i), y(*v)))
			fmt.Fprintf(&b, `<circle class="point" data-platform="%s" cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s: %d</title></circle>`,
				p, x(i), y(*v), color, esc(p.Label()), esc(dates[i]), *v)
		}
		flush()
	}
	b.WriteString(`</svg><ul class="legend">`)
	for _, p := range names {
		fmt.Fprintf(&b, `<li><span class="swatch" data-color="%s"></span>%s</li>`, p, esc(p.Label()))
	}
	b.WriteString(`</ul>`)
	return template.HTML(b.String()) // every dynamic part above is escaped or numeric
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 10), so
// the axis ticks are round numbers.
func niceCeil(v int64) int64 {
	if v < 10 {
		return 10
	}
	p := int64(math.Pow(10, math.Floor(math.Log10(float64(v)))))
	for _, m := range []int64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// compact writes 12000 as 12k and 3400000 as 3.4M.
func compact(v int64) string {
	switch {
	case v >= 1_000_000:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(v)/1e6), ".0") + "M"
	case v >= 1000:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(v)/1e3), ".0") + "k"
	}
	return fmt.Sprint(v)
}

// shortDate turns 2026-12-03 into 3 Dec.
func shortDate(d string) string {
	var y, m, day int
	if _, err := fmt.Sscanf(d, "%d-%d-%d", &y, &m, &day); err != nil || m < 1 || m > 12 {
		return d
	}
	return fmt.Sprintf("%d %s", day, [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}[m-1])
}
