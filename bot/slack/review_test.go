package slack_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// reviewer answers Review with a fixed week and records the range asked;
// its workspace is in Kiritimati (UTC+14).
type reviewer struct {
	asked []analytics.Range
	best  []platform.Name
}

// LastDays are the days up to a fixed now, 2026-12-06 20:00 UTC, which is
// already 2026-12-07 in the workspace's zone.
func (r *reviewer) LastDays(_ context.Context, _ identity.Caller, n int) (analytics.Range, error) {
	today := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	return analytics.Range{From: today.AddDate(0, 0, 1-n).Format(time.DateOnly), To: today.Format(time.DateOnly)}, nil
}

func (r *reviewer) Review(_ context.Context, _ identity.Caller, rg analytics.Range) (analytics.Review, error) {
	r.asked = append(r.asked, rg)
	end := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	s := analytics.Series{}
	for i := range 7 {
		imp, eng := int64(1000+100*i), int64(40+i)
		s.Dates = append(s.Dates, end.AddDate(0, 0, i-6).Format(time.DateOnly))
		s.Impressions, s.Engagement = append(s.Impressions, &imp), append(s.Engagement, &eng)
	}
	now, before := int64(12300), int64(10000)
	rev := analytics.Review{Range: analytics.Range{From: s.Dates[0], To: s.Dates[6]},
		This:     analytics.Summary{Total: analytics.Totals{Impressions: &now}, Platforms: map[platform.Name]analytics.Totals{platform.LinkedIn: {Impressions: &now}}},
		Previous: analytics.Summary{Total: analytics.Totals{Impressions: &before}},
		History:  analytics.History{Range: analytics.Range{From: s.Dates[0], To: s.Dates[6]}, Total: s, Platforms: map[platform.Name]analytics.Series{platform.LinkedIn: s}},
	}
	rate := 4.2
	rev.Best, rev.BestOn = &analytics.Slot{Weekday: "Tuesday", Hour: 9, EngagementRate: &rate}, platform.LinkedIn
	return rev, nil
}

// `/mm analytics 7d` answers with a Review, without the model: its summary
// is posted in the channel and one PNG chart is uploaded through Slack's
// external upload flow into that message's thread.
func TestSlashAnalyticsUploadsChart(t *testing.T) {
	t.Parallel()
	rv := &reviewer{}
	b := setup(t, func(_ *slack.Config, d *slack.Deps) { d.Analytics = rv })
	got := slashRun(t, b, "U1", "analytics 7d")
	if !strings.Contains(got, "Posted in this channel") {
		t.Fatalf("response: %q", got)
	}
	// The days are the workspace's (Kiritimati's), not UTC's, whatever the
	// door's clock says.
	if want := (analytics.Range{From: "2026-12-01", To: "2026-12-07"}); len(rv.asked) != 1 || rv.asked[0] != want {
		t.Fatalf("ranges asked: %+v, want %v", rv.asked, want)
	}
	if turns := b.conv.got(); len(turns) != 0 {
		t.Fatalf("the conversation ran: %+v", turns)
	}
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d messages posted, want 1", len(posts))
	}
	msg := posts[0].Args.Get("text")
	for _, want := range []string{"Impressions up 23% on the week before", "mostly LinkedIn", "best slot Tue 09:00"} {
		if !strings.Contains(msg, want) {
			t.Errorf("summary %q lacks %q", msg, want)
		}
	}
	ups := b.fake.Uploads()
	if len(ups) != 1 {
		t.Fatalf("%d uploads, want 1", len(ups))
	}
	u := ups[0]
	if u.Channel != channel || u.ThreadTS != posts[0].TS() || !bytes.HasPrefix(u.Data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("upload in %s/%s (message %s), %d bytes", u.Channel, u.ThreadTS, posts[0].TS(), len(u.Data))
	}
	if n := len(b.fake.Calls("files.getUploadURLExternal", "files.completeUploadExternal")); n != 2 {
		t.Fatalf("%d upload calls, want 2", n)
	}
}

// BestTimes answers with LinkedIn's measured slots and records the
// platform asked.
func (r *reviewer) BestTimes(_ context.Context, _ identity.Caller, p platform.Name) (analytics.BestTimes, error) {
	r.best = append(r.best, p)
	rate := 5.1
	pb := analytics.PlatformBestTimes{MeasuredPosts: 24, FromData: true,
		Best: []analytics.Slot{{Weekday: "Tuesday", Hour: 9, Posts: 4, EngagementRate: &rate}},
		Grid: []analytics.Slot{{Weekday: "Tuesday", Hour: 9, Posts: 4, EngagementRate: &rate}, {Weekday: "Friday", Hour: 15, Posts: 2, EngagementRate: &rate}}}
	return analytics.BestTimes{TimeZone: "Europe/Paris", Platforms: map[platform.Name]analytics.PlatformBestTimes{platform.LinkedIn: pb}}, nil
}

// `/mm best for linkedin` answers without the model, with the weekday ×
// hour heatmap uploaded into its message's thread.
func TestSlashBestTimesUploadsHeatmap(t *testing.T) {
	t.Parallel()
	rv := &reviewer{}
	b := setup(t, func(_ *slack.Config, d *slack.Deps) { d.Analytics = rv })
	slashRun(t, b, "U1", "best time for linkedin")
	if len(rv.best) != 1 || rv.best[0] != platform.LinkedIn {
		t.Fatalf("platforms asked: %v", rv.best)
	}
	if turns := b.conv.got(); len(turns) != 0 {
		t.Fatalf("the conversation ran: %+v", turns)
	}
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 1 || !strings.Contains(posts[0].Args.Get("blocks"), "Tuesday 09:00") {
		t.Fatalf("messages %+v; want one naming Tuesday 09:00", posts)
	}
	ups := b.fake.Uploads()
	if len(ups) != 1 || ups[0].ThreadTS != posts[0].TS() || !bytes.HasPrefix(ups[0].Data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("uploads %+v; want the heatmap in the message's thread", len(ups))
	}
}

// A review the conversation shows as a card (the offline planner's answer
// to "analytics 7d") carries its chart, uploaded into the reply's thread.
func TestReviewCardUploadsChart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.conv.fn = func(ctx context.Context, sink slack.Sink) (string, error) {
		rev, err := (&reviewer{}).Review(ctx, identity.Caller{}, analytics.Range{})
		sink.Card(rev)
		return "", err
	}
	body := mention("EvReview", "U1", "1700000000.000300", "", "analytics 7d")
	if resp := b.send(t, "/slack/events", body, sign(secret, time.Now(), body)); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	b.bot.Wait()
	ups := b.fake.Uploads()
	if len(ups) != 1 || ups[0].ThreadTS != "1700000000.000300" || !bytes.HasPrefix(ups[0].Data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("%d uploads; want the chart in the mention's thread", len(ups))
	}
}
