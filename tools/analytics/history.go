package analytics

import (
	"context"
	"fmt"
	"slices"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Series are daily figures ready to draw: one value per date, every date of
// the range present, unknown as null (never 0). Post figures count on the
// day the posts were published; followers on the day they were read.
type Series struct {
	Dates          []string   `json:"dates"`
	PostsPublished []int64    `json:"posts_published"`
	Impressions    []*int64   `json:"impressions"`
	Reach          []*int64   `json:"reach"`
	Engagement     []*int64   `json:"engagement"`
	EngagementRate []*float64 `json:"engagement_rate"`
	Followers      []*int64   `json:"followers"`
}

// EmailSeries are the daily figures of the e-mails sent each day.
type EmailSeries struct {
	Dates    []string   `json:"dates"`
	Sent     []*int64   `json:"sent"`
	Opens    []*int64   `json:"opens"`
	OpenRate []*float64 `json:"open_rate"`
	Leads    []*int64   `json:"new_leads"`
}

// series draws the social rows (of any subjects) over rg.
func series(rg Range, rows []Rollup) Series {
	days := rg.Days()
	n := len(days)
	s := Series{Dates: days, PostsPublished: make([]int64, n), Impressions: make([]*int64, n), Reach: make([]*int64, n),
		Engagement: make([]*int64, n), EngagementRate: make([]*float64, n), Followers: make([]*int64, n)}
	rateEng, rateImp := make([]*int64, n), make([]*int64, n)
	for _, r := range rows {
		i, ok := slices.BinarySearch(days, r.Day)
		if r.Kind != RollupSocial || !ok {
			continue
		}
		s.PostsPublished[i] += r.Posts
		add(&s.Impressions[i], r.Metrics.Impressions)
		add(&s.Reach[i], r.Metrics.Reach)
		add(&s.Engagement[i], r.Engagement)
		add(&s.Followers[i], r.Metrics.Followers)
		add(&rateEng[i], r.RateEngagement)
		add(&rateImp[i], r.RateImpressions)
	}
	for i := range n {
		s.EngagementRate[i] = percent(rateEng[i], rateImp[i])
	}
	return s
}

func emailSeries(rg Range, rows []Rollup) EmailSeries {
	days := rg.Days()
	n := len(days)
	s := EmailSeries{Dates: days, Sent: make([]*int64, n), Opens: make([]*int64, n), OpenRate: make([]*float64, n), Leads: make([]*int64, n)}
	delivered := make([]*int64, n)
	for _, r := range rows {
		i, ok := slices.BinarySearch(days, r.Day)
		if !ok {
			continue
		}
		switch r.Kind {
		case RollupEmail:
			add(&s.Sent[i], r.Email.Sent)
			add(&s.Opens[i], r.Email.Opens)
			add(&delivered[i], r.Email.Delivered)
		case RollupLeads:
			add(&s.Leads[i], r.Leads)
		}
	}
	for i := range n {
		s.OpenRate[i] = percent(s.Opens[i], delivered[i])
	}
	return s
}

// History is the last days' daily series, per platform and in total.
type History struct {
	Range     Range                    `json:"range"`
	Platforms map[platform.Name]Series `json:"platforms"`
	Total     Series                   `json:"total"`
	// Email is set when no platform was asked for.
	Email *EmailSeries `json:"email,omitempty"`
}

// DefaultHistoryDays is History's span when none is asked for.
const DefaultHistoryDays = 30

// History draws the caller's workspace's last days (today included, in
// the workspace's time zone; 0 means DefaultHistoryDays, at most
// MaxRangeDays) per platform: only p when it is not "", else every
// platform with figures, plus e-mail and leads. Any role.
func (s *Service) History(ctx context.Context, c identity.Caller, p platform.Name, days int) (History, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return History{}, err
	}
	if days == 0 {
		days = DefaultHistoryDays
	}
	if days < 1 || days > MaxRangeDays {
		return History{}, fmt.Errorf("%w: days must be 1 to %d, got %d", ErrInvalid, MaxRangeDays, days)
	}
	if p != "" && !slices.Contains(platform.Social, p) {
		return History{}, fmt.Errorf("%w: unknown platform %q; one of facebook, instagram, twitter, linkedin", ErrInvalid, p)
	}
	loc, err := s.location(ctx, c.WorkspaceID)
	if err != nil {
		return History{}, err
	}
	return s.history(ctx, c.WorkspaceID, p, lastDays(s.now(), loc, days))
}

// history draws a workspace's days of rg per platform (only p when it is
// not ""), plus e-mail and leads when p is "".
func (s *Service) history(ctx context.Context, workspaceID string, p platform.Name, rg Range) (History, error) {
	rows, err := s.store.Rollups(ctx, workspaceID, "", rg.From, rg.To)
	if err != nil {
		return History{}, fmt.Errorf("analytics: history: %w", err)
	}
	h := History{Range: rg, Platforms: map[platform.Name]Series{}}
	byPlatform := map[platform.Name][]Rollup{}
	if p != "" {
		byPlatform[p] = nil
	}
	var social []Rollup
	for _, r := range rows {
		if r.Kind != RollupSocial || (p != "" && r.Platform != p) {
			continue
		}
		byPlatform[r.Platform] = append(byPlatform[r.Platform], r)
		social = append(social, r)
	}
	for name, rs := range byPlatform {
		h.Platforms[name] = series(rg, rs)
	}
	h.Total = series(rg, social)
	if p == "" {
		e := emailSeries(rg, rows)
		h.Email = &e
	}
	return h, nil
}
