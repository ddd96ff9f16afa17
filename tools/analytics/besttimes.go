package analytics

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// BestTimesLookback is how far back the workspace's posts are looked at.
const BestTimesLookback = 90

// MinBestTimesPosts is how many measured posts (impressions and engagement
// known) a platform needs before its own data is trusted.
const MinBestTimesPosts = 10

// Slot is a weekday and hour in the user's time zone.
type Slot struct {
	Weekday string `json:"weekday"`
	Hour    int    `json:"hour"`
	// Posts and EngagementRate (percent) are from the workspace's posts;
	// both are absent from a general default.
	Posts          int      `json:"posts,omitempty"`
	EngagementRate *float64 `json:"engagement_rate,omitempty"`
}

// PlatformBestTimes is one platform's answer.
type PlatformBestTimes struct {
	// MeasuredPosts is how many posts of the last BestTimesLookback days
	// had impressions and engagement.
	MeasuredPosts int `json:"measured_posts"`
	// FromData: Best ranks the workspace's own slots; otherwise Best holds
	// the general defaults and Note says why.
	FromData bool   `json:"from_data"`
	Note     string `json:"note,omitempty"`
	Best     []Slot `json:"best"`
	// Grid is every weekday × hour with posts: engagement rate by slot.
	Grid []Slot `json:"grid"`
}

// BestTimes is the answer for every platform asked.
type BestTimes struct {
	TimeZone  string                              `json:"time_zone"`
	Platforms map[platform.Name]PlatformBestTimes `json:"platforms"`
}

// generalDefaults are widely published starting points, in local time,
// used when a platform has too little data of its own.
var generalDefaults = map[platform.Name][]Slot{
	platform.Facebook:  {{Weekday: "Tuesday", Hour: 10}, {Weekday: "Wednesday", Hour: 11}, {Weekday: "Thursday", Hour: 13}},
	platform.Instagram: {{Weekday: "Monday", Hour: 11}, {Weekday: "Wednesday", Hour: 12}, {Weekday: "Friday", Hour: 10}},
	platform.Twitter:   {{Weekday: "Tuesday", Hour: 9}, {Weekday: "Wednesday", Hour: 9}, {Weekday: "Thursday", Hour: 10}},
	platform.LinkedIn:  {{Weekday: "Tuesday", Hour: 8}, {Weekday: "Wednesday", Hour: 9}, {Weekday: "Thursday", Hour: 12}},
}

// BestTimesTop is how many slots Best ranks.
const BestTimesTop = 5

// BestTimes ranks weekday × hour slots by engagement rate, per platform (p,
// or every social platform when p is ""), from the caller's workspace's
// posts of the last BestTimesLookback days, in the caller's time zone. A
// platform with fewer than MinBestTimesPosts measured posts gets the
// general defaults, and says so. Any role.
func (s *Service) BestTimes(ctx context.Context, c identity.Caller, p platform.Name) (BestTimes, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return BestTimes{}, err
	}
	if p != "" && !slices.Contains(platform.Social, p) {
		return BestTimes{}, fmt.Errorf("%w: unknown platform %q; one of facebook, instagram, twitter, linkedin", ErrInvalid, p)
	}
	userLoc := time.UTC
	if s.cfg.UserLocation != nil {
		l, err := s.cfg.UserLocation(ctx, c.WorkspaceID, c.UserID)
		if err != nil {
			return BestTimes{}, fmt.Errorf("analytics: best times: time zone of %s: %w", c.UserID, err)
		}
		if l != nil {
			userLoc = l
		}
	}
	wsLoc, err := s.location(ctx, c.WorkspaceID)
	if err != nil {
		return BestTimes{}, err
	}
	rg := lastDays(s.now(), wsLoc, BestTimesLookback)
	recs, err := s.store.Published(ctx, c.WorkspaceID, rg.From, rg.To)
	if err != nil {
		return BestTimes{}, fmt.Errorf("analytics: best times: %w", err)
	}
	type cell struct {
		posts    int
		eng, imp int64
	}
	grids := map[platform.Name]map[[2]int]*cell{}
	measured := map[platform.Name]int{}
	for _, r := range latest(recs) {
		e := engagement(r.Metrics)
		if r.Kind != KindPost || e == nil || r.Metrics.Impressions == nil || r.PublishedAt.IsZero() {
			continue
		}
		t := r.PublishedAt.In(userLoc)
		k := [2]int{int(t.Weekday()), t.Hour()}
		if grids[r.Platform] == nil {
			grids[r.Platform] = map[[2]int]*cell{}
		}
		g := grids[r.Platform][k]
		if g == nil {
			g = &cell{}
			grids[r.Platform][k] = g
		}
		g.posts++
		g.eng += *e
		g.imp += *r.Metrics.Impressions
		measured[r.Platform]++
	}
	out := BestTimes{TimeZone: userLoc.String(), Platforms: map[platform.Name]PlatformBestTimes{}}
	for _, name := range platform.Social {
		if p != "" && name != p {
			continue
		}
		pb := PlatformBestTimes{MeasuredPosts: measured[name], Grid: []Slot{}}
		for k, g := range grids[name] {
			pb.Grid = append(pb.Grid, Slot{Weekday: time.Weekday(k[0]).String(), Hour: k[1], Posts: g.posts, EngagementRate: percent(&g.eng, &g.imp)})
		}
		rate := func(s Slot) float64 {
			if s.EngagementRate == nil {
				return -1
			}
			return *s.EngagementRate
		}
		slices.SortFunc(pb.Grid, func(a, b Slot) int {
			return cmp.Or(cmp.Compare(rate(b), rate(a)), cmp.Compare(b.Posts, a.Posts), cmp.Compare(weekdayIndex(a.Weekday), weekdayIndex(b.Weekday)), cmp.Compare(a.Hour, b.Hour))
		})
		if pb.MeasuredPosts >= MinBestTimesPosts {
			pb.FromData = true
			pb.Best = pb.Grid[:min(BestTimesTop, len(pb.Grid))]
		} else {
			pb.Best = generalDefaults[name]
			pb.Note = fmt.Sprintf("too little data: %d measured %s posts in the last %d days (at least %d needed); these are general defaults, not your audience's",
				pb.MeasuredPosts, name.Label(), BestTimesLookback, MinBestTimesPosts)
		}
		out.Platforms[name] = pb
	}
	return out, nil
}

func weekdayIndex(name string) int {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if d.String() == name {
			return int(d)
		}
	}
	return 7
}
