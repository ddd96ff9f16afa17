package analytics

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
	"github.com/marketingminds/marketingminds/tools/publish"
)

func TestDigestWeek(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		now  time.Time
		loc  *time.Location
		want Range
	}{
		{time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), time.UTC, Range{"2026-11-30", "2026-12-06"}},   // Monday
		{time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC), time.UTC, Range{"2026-11-23", "2026-11-29"}}, // Sunday night
		{time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC), berlin, Range{"2026-11-30", "2026-12-06"}},   // already Monday in Berlin
		{time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC), time.UTC, Range{"2026-12-21", "2026-12-27"}},   // across the year
	} {
		if got := DigestWeek(c.now, c.loc); got != c.want {
			t.Errorf("DigestWeek(%s in %s) = %v, want %v", c.now, c.loc, got, c.want)
		}
	}
}

// The digest reviews last week: its figures beside the week before's, its
// best posts with their text, what failed in it, and what is coming.
func TestDigest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	monday := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	e := newEnv(t, Config{})
	e.svc.cfg.Posts = e.pub
	answers := &firstAnswers{}
	e.svc.cfg.Inbox = answers

	e.clock.Set(monday.AddDate(0, 0, -5)) // Wednesday of last week
	e.sbClock.Set(e.clock.Now())
	e.publish(t, "Spring sale starts today", e.x, e.orgs[0])
	e.publish(t, "Behind the scenes at the workshop", e.x)
	e.sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: "POST", Path: "/2/tweets", Status: 403, Times: 1,
		Body: `{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}`})
	failed, err := e.pub.PublishNow(ctx, e.editor, publish.Request{Content: publish.Content{Text: "Spring sale starts today!"}, AccountIDs: []string{e.x.ID}})
	if err != nil || failed.Success {
		t.Fatalf("publish with X refusing = %+v, %v; want a failed post", failed, err)
	}
	e.sbClock.Set(e.clock.Now().Add(3 * time.Hour))
	e.clock.Set(e.clock.Now().Add(3 * time.Hour))
	e.sync(t)

	e.clock.Set(monday)
	if _, err := e.pub.Schedule(ctx, e.editor, publish.Request{Content: publish.Content{Text: "Tuesday tips"}, AccountIDs: []string{e.x.ID}}, monday.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pub.Schedule(ctx, e.editor, publish.Request{Content: publish.Content{Text: "Next month"}, AccountIDs: []string{e.x.ID}}, monday.AddDate(0, 1, 0)); err != nil {
		t.Fatal(err)
	}

	d, err := e.svc.Digest(ctx, e.viewer)
	if err != nil {
		t.Fatal(err)
	}
	if d.Range != (Range{"2026-11-30", "2026-12-06"}) || d.TimeZone != "UTC" {
		t.Fatalf("week %v in %s; want 30 Nov – 6 Dec in UTC", d.Range, d.TimeZone)
	}
	if d.This.Total.PostsPublished != 3 || d.This.Total.Impressions == nil || d.Previous.Total.PostsPublished != 0 {
		t.Fatalf("this week %+v, the week before %+v; want 3 posts with figures, then none", d.This.Total, d.Previous.Total)
	}
	if len(d.History.Platforms) != 2 || len(d.History.Total.Dates) != 7 {
		t.Fatalf("history %+v; want 7 days of X and LinkedIn", d.History)
	}
	if len(d.TopPosts) != ReviewTopPosts || d.TopPosts[0].Text == "" || d.TopPosts[0].URL == "" {
		t.Fatalf("top posts %+v; want %d with their text and link", d.TopPosts, ReviewTopPosts)
	}
	if len(d.Failed) != 1 || d.Failed[0].ID != failed.PostID {
		t.Fatalf("failed %+v; want the post X refused", d.Failed)
	}
	if len(d.Coming) != 1 || d.Coming[0].Content.Text != "Tuesday tips" || d.ComingMore {
		t.Fatalf("coming %+v (more %v); want Tuesday's post only", d.Coming, d.ComingMore)
	}
	if d.Best != nil {
		t.Fatalf("best slot %+v from 3 posts; want none below %d measured posts", d.Best, MinBestTimesPosts)
	}
	if d.History.Platforms[platform.Twitter].Impressions == nil {
		t.Fatal("no daily X figures")
	}
	if len(d.FirstAnswers) != 1 || d.FirstAnswers[0].Median != 130*time.Minute ||
		!answers.since.Equal(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)) || !answers.until.Equal(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("first answers %+v asked for %s – %s; want the week's", d.FirstAnswers, answers.since, answers.until)
	}
}

// firstAnswers is tools/inbox's first-answer times, recording the period asked.
type firstAnswers struct{ since, until time.Time }

func (f *firstAnswers) FirstAnswers(_ context.Context, _ identity.Caller, since, until time.Time) ([]inbox.FirstAnswer, error) {
	f.since, f.until = since, until
	return []inbox.FirstAnswer{{Platform: platform.Facebook, Median: 130 * time.Minute, Count: 4}}, nil
}

// The last n days are the workspace's: in Tokyo, 20:00 UTC on Sunday is
// already Monday, so "the last 7 days" end on Monday there.
func TestLastDaysInTheWorkspaceZone(t *testing.T) {
	t.Parallel()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Config{Location: func(context.Context, string) (*time.Location, error) { return tokyo, nil }})
	e.clock.Set(time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC))
	got, err := e.svc.LastDays(context.Background(), e.viewer, 7)
	if want := (Range{From: "2026-12-01", To: "2026-12-07"}); err != nil || got != want {
		t.Fatalf("LastDays(7) = %v, %v; want %v", got, err, want)
	}
	if _, err := e.svc.LastDays(context.Background(), e.viewer, 0); !errors.Is(err, ErrInvalid) {
		t.Errorf("LastDays(0) = %v, want ErrInvalid", err)
	}
}
