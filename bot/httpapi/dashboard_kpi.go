package httpapi

import (
	"fmt"
	"math"
	"time"

	"github.com/marketingminds/marketingminds/tools/analytics"
)

// kpiDelta is a KPI card's change against the previous period of equal
// length: Text is "—" when either side is unknown (or a count's previous
// value is 0, where a percentage means nothing).
type kpiDelta struct {
	Text string
	Dir  string // up, down, flat, or "" when unknown
}

// unknownDelta is shown when a change cannot be known.
var unknownDelta = kpiDelta{Text: "—"}

// previousRange is the range of rg's length that ends the day before rg.
func previousRange(rg analytics.Range) (analytics.Range, error) {
	from, err := time.Parse(analytics.DayFormat, rg.From)
	if err != nil {
		return analytics.Range{}, fmt.Errorf("dashboard: previous range of %q: %w", rg.From, err)
	}
	to, err := time.Parse(analytics.DayFormat, rg.To)
	if err != nil {
		return analytics.Range{}, fmt.Errorf("dashboard: previous range of %q: %w", rg.To, err)
	}
	days := int(to.Sub(from).Hours()/24) + 1
	return analytics.Range{From: from.AddDate(0, 0, -days).Format(analytics.DayFormat), To: from.AddDate(0, 0, -1).Format(analytics.DayFormat)}, nil
}

// countDelta is the relative change of a count, in percent.
func countDelta(cur, prev *int64) kpiDelta {
	if cur == nil || prev == nil || *prev == 0 {
		return unknownDelta
	}
	return signed(float64(*cur-*prev)*100/float64(*prev), " %")
}

// rateDelta is the change of a percentage, in percentage points.
func rateDelta(cur, prev *float64) kpiDelta {
	if cur == nil || prev == nil {
		return unknownDelta
	}
	return signed(*cur-*prev, " pts")
}

func signed(v float64, unit string) kpiDelta {
	r := math.Round(v*10) / 10
	switch {
	case r > 0:
		return kpiDelta{Text: fmt.Sprintf("+%.1f%s", r, unit), Dir: "up"}
	case r < 0:
		return kpiDelta{Text: fmt.Sprintf("−%.1f%s", -r, unit), Dir: "down"}
	}
	return kpiDelta{Text: "±0" + unit, Dir: "flat"}
}

// kpiDeltas compares the overview's figures with the previous period's,
// card by card (the keys the overview template reads).
func kpiDeltas(cur *analytics.OverviewSummary, prev analytics.Summary) map[string]kpiDelta {
	posts, prevPosts := cur.PostsPublished, prev.Total.PostsPublished
	return map[string]kpiDelta{
		"impressions":     countDelta(cur.TotalSocialImpressions, prev.Total.Impressions),
		"engagement":      countDelta(cur.TotalSocialEngagement, prev.Total.Engagement),
		"engagement_rate": rateDelta(cur.EngagementRate, prev.Total.EngagementRate),
		"open_rate":       rateDelta(cur.EmailOpenRate, prev.Email.OpenRate),
		"leads":           countDelta(cur.NewLeads, prev.Leads.New),
		"posts":           countDelta(&posts, &prevPosts),
	}
}
