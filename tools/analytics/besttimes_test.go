package analytics

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Best times rank the workspace's own slots in the user's time zone once a
// platform has enough measured posts, and fall back to stated defaults
// otherwise.
func TestBestTimes(t *testing.T) {
	t.Parallel()
	tokyo, err := time.LoadLocation("Asia/Tokyo") // no daylight saving time
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	e := newEnv(t, Config{UserLocation: func(ctx context.Context, ws, user string) (*time.Location, error) { return tokyo, nil }})
	ctx := context.Background()
	n := platform.Count
	// The last Tuesday 15:00 UTC before now, and the Friday before it at 20:00 UTC.
	now := e.clock.Now().UTC()
	tue := time.Date(now.Year(), now.Month(), now.Day(), 15, 0, 0, 0, time.UTC)
	for tue.Weekday() != time.Tuesday || !tue.Before(now) {
		tue = tue.AddDate(0, 0, -1)
	}
	fri := time.Date(tue.Year(), tue.Month(), tue.Day()-4, 20, 0, 0, 0, time.UTC)
	var recs []Record
	for i := range 12 {
		at, likes := tue.AddDate(0, 0, -7*(i/2)), int64(50) // 5% engagement
		if i%2 == 1 {
			at, likes = fri.AddDate(0, 0, -7*(i/2)), 10 // 1%
		}
		recs = append(recs, Record{WorkspaceID: "T1", Kind: KindPost, SubjectID: fmt.Sprint("d", i), Day: Day(now), AccountID: e.x.ID,
			Platform: platform.Twitter, PostID: fmt.Sprint("p", i), PublishedAt: at, PublishedDay: Day(at), FetchedAt: now,
			Metrics: platform.Metrics{Impressions: n(1000), Likes: n(likes)}})
	}
	// Two LinkedIn posts: too few.
	for i := range 2 {
		recs = append(recs, Record{WorkspaceID: "T1", Kind: KindPost, SubjectID: fmt.Sprint("l", i), Day: Day(now), AccountID: e.orgs[0].ID,
			Platform: platform.LinkedIn, PublishedAt: tue, PublishedDay: Day(tue), FetchedAt: now, Metrics: platform.Metrics{Impressions: n(10), Likes: n(1)}})
	}
	if err := e.svc.store.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	bt, err := e.svc.BestTimes(ctx, e.viewer, "")
	if err != nil {
		t.Fatal(err)
	}
	x := bt.Platforms[platform.Twitter]
	// Tuesday 15:00 UTC is Wednesday 00:00 in Tokyo; Friday 20:00 UTC is Saturday 05:00.
	if bt.TimeZone != "Asia/Tokyo" || !x.FromData || x.MeasuredPosts != 12 || len(x.Best) != 2 ||
		x.Best[0].Weekday != "Wednesday" || x.Best[0].Hour != 0 || x.Best[0].Posts != 6 || *x.Best[0].EngagementRate != 5 ||
		x.Best[1].Weekday != "Saturday" || x.Best[1].Hour != 5 || *x.Best[1].EngagementRate != 1 {
		t.Fatalf("X best times = %+v (zone %s); want Wednesday 0:00 at 5%%, then Saturday 5:00 at 1%%", x, bt.TimeZone)
	}
	li := bt.Platforms[platform.LinkedIn]
	if li.FromData || li.MeasuredPosts != 2 || li.Note == "" || len(li.Best) == 0 || li.Best[0].EngagementRate != nil || len(li.Grid) != 1 {
		t.Fatalf("LinkedIn best times = %+v; want the general defaults, said so, and its one measured slot in the grid", li)
	}
	if fb := bt.Platforms[platform.Facebook]; fb.FromData || fb.MeasuredPosts != 0 || len(fb.Best) == 0 {
		t.Fatalf("Facebook best times = %+v; want defaults", fb)
	}
	one, err := e.svc.BestTimes(ctx, e.viewer, platform.Twitter)
	if err != nil || len(one.Platforms) != 1 {
		t.Fatalf("BestTimes(twitter) = %+v, %v; want X only", one, err)
	}
	if _, err := e.svc.BestTimes(ctx, e.viewer, "myspace"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown platform: err = %v, want ErrInvalid", err)
	}
}
