package httpapi

import (
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
)

func ptr(v int64) *int64 { return &v }

func TestImpressionsChart(t *testing.T) {
	t.Parallel()
	dates := []string{"2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01"}
	h := analytics.History{Platforms: map[platform.Name]analytics.Series{
		platform.Twitter:  {Dates: dates, Impressions: []*int64{ptr(120), nil, ptr(340), ptr(90)}},
		platform.LinkedIn: {Dates: dates, Impressions: []*int64{ptr(10), ptr(20), ptr(30), ptr(40)}},
	}}
	svg := string(impressionsChart(h))
	for _, want := range []string{`<svg class="chart"`, "<title id=\"chart-title\">Impressions per day by platform", // title
		`>500</text>`, `>0</text>`, // y axis rounded up to 500
		`>28 Nov</text>`, `>1 Dec</text>`, // x axis labels
		`data-color="twitter"></span>X</li>`, `data-color="linkedin"></span>LinkedIn</li>`, // legend
		"X 2026-11-30: 340"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if n := strings.Count(svg, `class="point"`); n != 7 {
		t.Errorf("%d points, want 7 (the X gap is not a point)", n)
	}
	if n := strings.Count(svg, "<polyline"); n != 2 {
		t.Errorf("%d lines, want 2 (X's line breaks at its gap, leaving one lone point)", n)
	}
	if empty := string(impressionsChart(analytics.History{})); !strings.Contains(empty, "No analytics yet") || strings.Contains(empty, "<svg") {
		t.Errorf("empty history drew %q", empty)
	}
	for v, want := range map[int64]int64{0: 10, 7: 10, 11: 20, 340: 500, 1000: 1000, 1001: 2000, 6100: 10000} {
		if got := niceCeil(v); got != want {
			t.Errorf("niceCeil(%d) = %d, want %d", v, got, want)
		}
	}
	for v, want := range map[int64]string{999: "999", 1000: "1k", 12500: "12.5k", 3_400_000: "3.4M"} {
		if got := compact(v); got != want {
			t.Errorf("compact(%d) = %q, want %q", v, got, want)
		}
	}
}
