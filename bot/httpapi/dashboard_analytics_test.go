package httpapi

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestDashboardAnalyticsPage(t *testing.T) {
	an := &dashAnalytics{}
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Analytics = an })
	b := f.browser(t)
	if resp, _ := b.do("GET", "/dashboard/analytics", nil, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("signed out = %d, want the sign-in redirect", resp.StatusCode)
	}
	b.signIn("T1", "U-v", identity.Viewer)
	resp, page := b.do("GET", "/dashboard/analytics?from=2026-11-29&to=2026-11-30&platform=twitter", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("analytics = %d\n%s", resp.StatusCode, page)
	}
	for _, want := range []string{
		`<h2 id="tot-h">2026-11-29 to 2026-11-30</h2>`, `id="a-impressions">900<`,
		`src="/dashboard/charts/daily.png?from=2026-11-29&amp;to=2026-11-30&amp;metric=impressions"`, `alt="Impressions per day by platform, 2026-11-29 to 2026-11-30"`,
		`href="/dashboard/posts/p-top"`, `src="/dashboard/charts/best-times.png?platform=twitter"`, "Tuesday 9:00 6.0 %",
		"too little data", `aria-current="page">Analytics`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("analytics page lacks %q", want)
		}
	}
	// The chart keeps only the range's days.
	if strings.Contains(page, "2026-11-28") || strings.Contains(page, "2026-12-01") {
		t.Error("the chart draws days outside the range")
	}
	if an.ranges[len(an.ranges)-1] != (analytics.Range{From: "2026-11-29", To: "2026-11-30"}) {
		t.Errorf("aggregated %v", an.ranges)
	}
	_, page = b.do("GET", "/dashboard/analytics?from=2026-11-29&to=2026-11-30&metric=engagement", nil, nil)
	if !strings.Contains(page, `metric=engagement"`) || !strings.Contains(page, `alt="Engagement per day by platform`) {
		t.Error("metric=engagement does not draw engagement")
	}

	// A range older than History reaches: its totals, and why no series.
	_, page = b.do("GET", "/dashboard/analytics?from=2020-01-01&to=2020-01-31", nil, nil)
	if !strings.Contains(page, "reach back 366 days") || strings.Contains(page, `id="daily-chart"`) {
		t.Error("a range before the series' reach does not say why it has no chart")
	}
	for _, tc := range []struct{ query, field, want string }{
		{"from=yesterday&to=2026-11-30", "from", "not an ISO date"},
		{"from=2026-11-30&to=2026-11-01", "to", "is before date_from"},
		{"from=2026-11-01", "to", "give an end date too"},
		{"to=2026-11-01", "from", "give a start date too"},
		{"from=2024-01-01&to=2026-01-01", "to", "at most 366"},
		{"metric=clicks", "metric", "one of impressions"},
		{"platform=myspace", "platform", "one of facebook"},
	} {
		resp, page := b.do("GET", "/dashboard/analytics?"+tc.query, nil, nil)
		i := strings.Index(page, `id="err-`+tc.field+`"`)
		if resp.StatusCode != http.StatusBadRequest || i < 0 || !strings.Contains(page[i:], tc.want) || !strings.Contains(page, `aria-describedby="err-`+tc.field+`"`) {
			t.Errorf("%s: %d, want 400 with %q next to %s", tc.query, resp.StatusCode, tc.want, tc.field)
		}
	}

	other := f.browser(t)
	other.signIn("T2", "U-o", identity.Viewer)
	_, page = other.do("GET", "/dashboard/analytics", nil, nil)
	if strings.Contains(page, "p-top") || strings.Contains(page, `id="heatmap"`) || !strings.Contains(page, "No daily figures in this range yet") {
		t.Error("another workspace sees T1's figures")
	}
}

func TestHistoryDays(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 3, 22, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		from string
		days int
		ok   bool
	}{
		{"2026-12-03", 2, true},
		{"2026-11-04", 31, true},
		{"2025-12-03", 366, true},
		{"2024-01-01", 0, false},
		{"not a date", 0, false},
	} {
		if days, ok := historyDays(analytics.Range{From: tc.from, To: "2026-12-03"}, now); days != tc.days || ok != tc.ok {
			t.Errorf("historyDays(from %s) = %d, %v; want %d, %v", tc.from, days, ok, tc.days, tc.ok)
		}
	}
}
