package present_test

import (
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// A weekly digest reads as a person would write it in Slack, with its
// chart as an image, and lists the failed and coming posts in every door.
func TestDigestRenders(t *testing.T) {
	imp, before, eng := int64(800), int64(1000), int64(30)
	s := analytics.Series{Dates: []string{"2026-11-30", "2026-12-01"}, Impressions: []*int64{&imp, &imp}, Engagement: []*int64{&eng, &eng}}
	d := analytics.Digest{Review: analytics.Review{
		Range:    analytics.Range{From: "2026-11-30", To: "2026-12-06"},
		This:     analytics.Summary{Total: analytics.Totals{Impressions: &imp}, Platforms: map[platform.Name]analytics.Totals{platform.LinkedIn: {Impressions: &imp}}},
		Previous: analytics.Summary{Total: analytics.Totals{Impressions: &before}},
		History:  analytics.History{Range: analytics.Range{From: "2026-11-30", To: "2026-12-01"}, Total: s, Platforms: map[platform.Name]analytics.Series{platform.LinkedIn: s}},
	}}
	d.Failed = []publish.PostView{{}}
	d.Failed[0].Content.Text = "Launch day went wrong"
	r := present.New()
	env := present.Env{Now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	sl := r.Slack(env, d)
	if !strings.Contains(sl.Text, "Impressions down 20% on the week before") || !strings.Contains(sl.Text, "mostly LinkedIn") {
		t.Errorf("summary: %q", sl.Text)
	}
	if len(sl.Images) != 1 || len(sl.Images[0].PNG) == 0 {
		t.Errorf("images: %d", len(sl.Images))
	}
	if term := r.Terminal(env, d).Text; !strings.Contains(term, "Failed") || !strings.Contains(term, "Launch day went wrong") {
		t.Errorf("terminal: %q", term)
	}
	if web := string(r.Web(env, d)); !strings.Contains(web, "Launch day went wrong") {
		t.Errorf("web: %q", web)
	}
}
