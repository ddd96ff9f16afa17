package httpapi

import (
	"context"
	"html"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func fptr(v float64) *float64 { return &v }

func ptr(v int64) *int64 { return &v }

func TestCompact(t *testing.T) {
	t.Parallel()
	for v, want := range map[int64]string{999: "999", 1000: "1k", 12500: "12.5k", 3_400_000: "3.4M"} {
		if got := compact(v); got != want {
			t.Errorf("compact(%d) = %q, want %q", v, got, want)
		}
	}
}

// dashAnalytics answers the dashboard's analytics questions for workspace
// T1 with fixed figures (every other workspace has none) and records the
// ranges Aggregate was asked for.
type dashAnalytics struct {
	Analytics
	mu     sync.Mutex
	ranges []analytics.Range
	synced []string // who ran SyncNow: workspace/user/door
}

var overviewRange = analytics.Range{From: "2026-11-04", To: "2026-12-03"}

func (a *dashAnalytics) Overview(ctx context.Context, c identity.Caller) (analytics.Overview, error) {
	o := analytics.Overview{Analytics: analytics.OverviewAnalytics{Range: overviewRange}}
	if c.WorkspaceID == "T1" {
		o.Analytics.Summary = analytics.OverviewSummary{TotalSocialImpressions: ptr(1200), TotalSocialEngagement: ptr(60),
			EngagementRate: fptr(5), NewLeads: ptr(3), PostsPublished: 4}
	}
	return o, nil
}

// History: X's impressions on 2026-11-29 (100) and 2026-11-30 (150),
// engagement on the 30th only.
func (a *dashAnalytics) History(ctx context.Context, c identity.Caller, p platform.Name, days int) (analytics.History, error) {
	h := analytics.History{Platforms: map[platform.Name]analytics.Series{}}
	if c.WorkspaceID == "T1" {
		h.Platforms[platform.Twitter] = analytics.Series{Dates: []string{"2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01"},
			Impressions: []*int64{nil, ptr(100), ptr(150), nil}, Engagement: []*int64{nil, nil, ptr(12), nil}, Reach: make([]*int64, 4)}
	}
	return h, nil
}

func (a *dashAnalytics) BestTimes(ctx context.Context, c identity.Caller, p platform.Name) (analytics.BestTimes, error) {
	out := analytics.BestTimes{TimeZone: "UTC", Platforms: map[platform.Name]analytics.PlatformBestTimes{}}
	pb := analytics.PlatformBestTimes{Note: "too little data: 2 measured posts", Best: []analytics.Slot{{Weekday: "Tuesday", Hour: 9}}}
	if c.WorkspaceID == "T1" {
		pb.MeasuredPosts = 4
		pb.Grid = []analytics.Slot{{Weekday: "Tuesday", Hour: 9, Posts: 3, EngagementRate: fptr(6)}, {Weekday: "Monday", Hour: 14, Posts: 1, EngagementRate: fptr(2)}}
	}
	out.Platforms[p] = pb
	return out, nil
}

func (a *dashAnalytics) Aggregate(ctx context.Context, c identity.Caller, rg analytics.Range) (analytics.Aggregate, error) {
	if rg == (analytics.Range{}) {
		rg = overviewRange
	}
	if _, err := analytics.NewRange(rg.From, rg.To); err != nil {
		return analytics.Aggregate{}, err
	}
	a.mu.Lock()
	a.ranges = append(a.ranges, rg)
	a.mu.Unlock()
	out := analytics.Aggregate{Summary: analytics.Summary{Range: rg, Platforms: map[platform.Name]analytics.Totals{}}}
	if c.WorkspaceID != "T1" {
		return out, nil
	}
	if rg == (analytics.Range{From: "2026-10-05", To: "2026-11-03"}) { // the overview's previous 30 days
		out.Total = analytics.Totals{Impressions: ptr(1000), EngagementRate: fptr(4), PostsPublished: 2}
		out.Leads.New = ptr(0)
		return out, nil
	}
	out.Platforms[platform.Twitter] = analytics.Totals{PostsPublished: 3, Impressions: ptr(900), Engagement: ptr(45), EngagementRate: fptr(5)}
	out.Total = out.Platforms[platform.Twitter]
	out.TopPosts = []analytics.TopPost{{PostID: "p-top", Platform: platform.Twitter, PlatformPostID: "1777", Engagement: ptr(40),
		PublishedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), Metrics: platform.Metrics{Impressions: ptr(800)}}}
	return out, nil
}

func TestKPIDeltas(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		got  kpiDelta
		want kpiDelta
	}{
		{"count up", countDelta(ptr(1200), ptr(1000)), kpiDelta{"+20.0 %", "up"}},
		{"count down", countDelta(ptr(900), ptr(1000)), kpiDelta{"−10.0 %", "down"}},
		{"count same", countDelta(ptr(5), ptr(5)), kpiDelta{"±0 %", "flat"}},
		{"previous unknown", countDelta(ptr(5), nil), unknownDelta},
		{"current unknown", countDelta(nil, ptr(5)), unknownDelta},
		{"previous zero", countDelta(ptr(5), ptr(0)), unknownDelta},
		{"rate up", rateDelta(fptr(5.25), fptr(4)), kpiDelta{"+1.3 pts", "up"}},
		{"rate down", rateDelta(fptr(3), fptr(4.5)), kpiDelta{"−1.5 pts", "down"}},
		{"rate unknown", rateDelta(nil, fptr(4)), unknownDelta},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, tc.got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want analytics.Range }{
		{analytics.Range{From: "2026-11-04", To: "2026-12-03"}, analytics.Range{From: "2026-10-05", To: "2026-11-03"}},
		{analytics.Range{From: "2026-03-01", To: "2026-03-01"}, analytics.Range{From: "2026-02-28", To: "2026-02-28"}},
	} {
		if got, err := previousRange(tc.in); err != nil || got != tc.want {
			t.Errorf("previousRange(%v) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if _, err := previousRange(analytics.Range{From: "yesterday", To: "2026-01-01"}); err == nil || !strings.Contains(err.Error(), "yesterday") {
		t.Errorf("previousRange of a bad date: %v", err)
	}
}

var deltaSpan = regexp.MustCompile(`<span class="kpi-d d-([a-z]+)" data-kpi-delta>([^<]*)<`)

func TestDashboardOverviewDeltas(t *testing.T) {
	an := &dashAnalytics{}
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Analytics = an })
	b := f.browser(t)
	b.signIn("T1", "U-v", identity.Viewer)
	resp, page := b.do("GET", "/dashboard", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("overview = %d\n%s", resp.StatusCode, page)
	}
	var got []string
	for _, m := range deltaSpan.FindAllStringSubmatch(page, -1) {
		got = append(got, m[1]+" "+html.UnescapeString(m[2]))
	}
	// impressions, engagement, engagement rate, open rate, leads, posts
	want := []string{"up +20.0 %", "none —", "up +1.0 pts", "none —", "none —", "up +100.0 %"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("deltas %q, want %q", got, want)
	}
	if len(an.ranges) != 1 || an.ranges[0] != (analytics.Range{From: "2026-10-05", To: "2026-11-03"}) {
		t.Fatalf("aggregated %v, want only the 30 days before the overview's", an.ranges)
	}
	other := f.browser(t)
	other.signIn("T2", "U-o", identity.Admin)
	_, page = other.do("GET", "/dashboard", nil, nil)
	if strings.Contains(page, "+20.0 %") || strings.Count(page, "data-kpi-delta>—") != 6 {
		t.Fatal("another workspace sees T1's changes, or its unknown changes are not dashes")
	}
}
