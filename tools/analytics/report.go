package analytics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// MaxRangeDays bounds a date range (both ends included).
const MaxRangeDays = 366

// Range is a span of days in the workspace's time zone, both included.
type Range struct {
	From string `json:"date_from"`
	To   string `json:"date_to"`
}

// NewRange checks two ISO dates ("2026-11-01"): from <= to, at most
// MaxRangeDays days. Errors wrap ErrInvalid and say what to send.
func NewRange(from, to string) (Range, error) {
	f, err := time.Parse(DayFormat, from)
	if err != nil {
		return Range{}, fmt.Errorf("%w: date_from %q is not an ISO date like 2026-11-01", ErrInvalid, from)
	}
	t, err := time.Parse(DayFormat, to)
	if err != nil {
		return Range{}, fmt.Errorf("%w: date_to %q is not an ISO date like 2026-11-30", ErrInvalid, to)
	}
	if t.Before(f) {
		return Range{}, fmt.Errorf("%w: date_to %s is before date_from %s", ErrInvalid, to, from)
	}
	if n := int(t.Sub(f).Hours()/24) + 1; n > MaxRangeDays {
		return Range{}, fmt.Errorf("%w: the range spans %d days; at most %d", ErrInvalid, n, MaxRangeDays)
	}
	return Range{From: from, To: to}, nil
}

// Days lists the range's days in order.
func (r Range) Days() []string {
	f, _ := time.Parse(DayFormat, r.From)
	t, _ := time.Parse(DayFormat, r.To)
	var out []string
	for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(DayFormat))
	}
	return out
}

// resolve checks rg, or gives the last OverviewDays days (in the
// workspace's time zone) for the zero Range.
func (s *Service) resolve(ctx context.Context, workspaceID string, rg Range) (Range, error) {
	if rg != (Range{}) {
		return NewRange(rg.From, rg.To)
	}
	loc, err := s.location(ctx, workspaceID)
	if err != nil {
		return Range{}, err
	}
	return lastDays(s.now(), loc, OverviewDays), nil
}

// LastDays is the n days (1 to MaxRangeDays) up to today in the caller's
// workspace's time zone: "the last 7 days" as the workspace reads them,
// each day from its local midnight. Any role.
func (s *Service) LastDays(ctx context.Context, c identity.Caller, n int) (Range, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Range{}, err
	}
	if n < 1 || n > MaxRangeDays {
		return Range{}, fmt.Errorf("%w: days %d is not between 1 and %d", ErrInvalid, n, MaxRangeDays)
	}
	loc, err := s.location(ctx, c.WorkspaceID)
	if err != nil {
		return Range{}, err
	}
	return lastDays(s.now(), loc, n), nil
}

// lastDays is the n days up to today in loc.
func lastDays(now time.Time, loc *time.Location, n int) Range {
	today := now.In(loc)
	return Range{From: today.AddDate(0, 0, 1-n).Format(DayFormat), To: today.Format(DayFormat)}
}

// Totals are social figures summed over posts published in a range. A nil
// figure is one no post (or account) in it knew.
type Totals struct {
	PostsPublished int64  `json:"posts_published"`
	Impressions    *int64 `json:"impressions"`
	Reach          *int64 `json:"reach"`
	Likes          *int64 `json:"likes"`
	Comments       *int64 `json:"comments"`
	Shares         *int64 `json:"shares"`
	Clicks         *int64 `json:"clicks"`
	Saves          *int64 `json:"saves"`
	VideoViews     *int64 `json:"video_views"`
	// Engagement: likes + comments + shares + clicks + saves, where known.
	Engagement *int64 `json:"engagement"`
	// EngagementRate is engagement over impressions, in percent, over the
	// posts that know both.
	EngagementRate *float64 `json:"engagement_rate"`
	// Followers is the sum of each account's last known count in the
	// range; FollowerGrowth the sum of (last - first known) per account.
	Followers      *int64 `json:"followers"`
	FollowerGrowth *int64 `json:"follower_growth"`

	rateEng, rateImp *int64
}

// EmailTotals are the figures of the e-mail campaigns sent in a range.
type EmailTotals struct {
	Campaigns    int64  `json:"campaigns"`
	Sent         *int64 `json:"sent"`
	Delivered    *int64 `json:"delivered"`
	Opens        *int64 `json:"opens"`
	Clicks       *int64 `json:"clicks"`
	Bounces      *int64 `json:"bounces"`
	Unsubscribes *int64 `json:"unsubscribes"`
	// OpenRate is opens over delivered, in percent.
	OpenRate *float64 `json:"open_rate"`
}

// LeadTotals are the CRM leads created in a range.
type LeadTotals struct {
	New      *int64           `json:"new"`
	BySource map[string]int64 `json:"by_source"`
}

// Summary is a range's figures: per platform, in total, e-mail and leads.
type Summary struct {
	Range     Range                    `json:"range"`
	Platforms map[platform.Name]Totals `json:"platforms"`
	Total     Totals                   `json:"total"`
	Email     EmailTotals              `json:"email"`
	Leads     LeadTotals               `json:"leads"`
}

func percent(num, den *int64) *float64 {
	if num == nil || den == nil || *den == 0 {
		return nil
	}
	v := float64(*num) * 100 / float64(*den)
	return &v
}

// addRow adds a social rollup row's figures to t.
func (t *Totals) addRow(r Rollup) {
	t.PostsPublished += r.Posts
	m := r.Metrics
	add(&t.Impressions, m.Impressions)
	add(&t.Reach, m.Reach)
	add(&t.Likes, m.Likes)
	add(&t.Comments, m.Comments)
	add(&t.Shares, m.Shares)
	add(&t.Clicks, m.Clicks)
	add(&t.Saves, m.Saves)
	add(&t.VideoViews, m.VideoViews)
	add(&t.Engagement, r.Engagement)
	add(&t.rateEng, r.RateEngagement)
	add(&t.rateImp, r.RateImpressions)
}

// addTotals adds another platform's totals to t.
func (t *Totals) addTotals(o Totals) {
	t.addRow(Rollup{Posts: o.PostsPublished, Metrics: platform.Metrics{Impressions: o.Impressions, Reach: o.Reach, Likes: o.Likes,
		Comments: o.Comments, Shares: o.Shares, Clicks: o.Clicks, Saves: o.Saves, VideoViews: o.VideoViews},
		Engagement: o.Engagement, RateEngagement: o.rateEng, RateImpressions: o.rateImp})
	add(&t.Followers, o.Followers)
	add(&t.FollowerGrowth, o.FollowerGrowth)
}

// summarize sums rollup rows (ordered by day) over rg.
func summarize(rg Range, rows []Rollup) Summary {
	s := Summary{Range: rg, Platforms: map[platform.Name]Totals{}, Leads: LeadTotals{BySource: map[string]int64{}}}
	type follow struct {
		p           platform.Name
		first, last *int64
	}
	followers := map[string]*follow{}
	var accountsOrder []string
	for _, r := range rows {
		switch r.Kind {
		case RollupSocial:
			t := s.Platforms[r.Platform]
			t.addRow(r)
			s.Platforms[r.Platform] = t
			if r.Metrics.Followers != nil {
				f := followers[r.Subject]
				if f == nil {
					f = &follow{p: r.Platform, first: r.Metrics.Followers}
					followers[r.Subject] = f
					accountsOrder = append(accountsOrder, r.Subject)
				}
				f.last = r.Metrics.Followers
			}
		case RollupEmail:
			e := &s.Email
			e.Campaigns += r.Posts
			add(&e.Sent, r.Email.Sent)
			add(&e.Delivered, r.Email.Delivered)
			add(&e.Opens, r.Email.Opens)
			add(&e.Clicks, r.Metrics.Clicks)
			add(&e.Bounces, r.Email.Bounces)
			add(&e.Unsubscribes, r.Email.Unsubscribes)
		case RollupLeads:
			add(&s.Leads.New, r.Leads)
			if r.Leads != nil {
				s.Leads.BySource[cmp.Or(r.Subject, "(none)")] += *r.Leads
			}
		}
	}
	for _, id := range accountsOrder {
		f := followers[id]
		t := s.Platforms[f.p]
		add(&t.Followers, f.last)
		growth := *f.last - *f.first
		add(&t.FollowerGrowth, &growth)
		s.Platforms[f.p] = t
	}
	for _, p := range platform.Social {
		t, ok := s.Platforms[p]
		if !ok {
			continue
		}
		t.EngagementRate = percent(t.rateEng, t.rateImp)
		s.Platforms[p] = t
		s.Total.addTotals(t)
	}
	s.Total.EngagementRate = percent(s.Total.rateEng, s.Total.rateImp)
	s.Email.OpenRate = percent(s.Email.Opens, s.Email.Delivered)
	return s
}

// TopPost is a post's latest figures on one account.
type TopPost struct {
	PostID         string           `json:"post_id"`
	DeliveryID     string           `json:"delivery_id"`
	AccountID      string           `json:"account_id"`
	Platform       platform.Name    `json:"platform"`
	PlatformPostID string           `json:"platform_post_id"`
	CampaignID     string           `json:"campaign_id,omitempty"`
	PublishedAt    time.Time        `json:"published_at"`
	Engagement     *int64           `json:"engagement"`
	Metrics        platform.Metrics `json:"metrics"`
}

// DefaultTopPosts is how many top posts a report lists.
const DefaultTopPosts = 10

// topPosts ranks the latest post records by engagement (unknown last).
func topPosts(rs []Record, keep func(Record) bool, n int) []TopPost {
	out := []TopPost{}
	for _, r := range latest(rs) {
		if r.Kind != KindPost || (keep != nil && !keep(r)) {
			continue
		}
		out = append(out, TopPost{PostID: r.PostID, DeliveryID: r.SubjectID, AccountID: r.AccountID, Platform: r.Platform,
			PlatformPostID: r.PlatformPostID, CampaignID: r.CampaignID, PublishedAt: r.PublishedAt, Engagement: engagement(r.Metrics), Metrics: r.Metrics})
	}
	val := func(p TopPost) int64 {
		if p.Engagement == nil {
			return -1
		}
		return *p.Engagement
	}
	slices.SortStableFunc(out, func(a, b TopPost) int {
		return cmp.Or(cmp.Compare(val(b), val(a)), cmp.Compare(a.DeliveryID, b.DeliveryID))
	})
	return out[:min(n, len(out))]
}

// Aggregate is a range's Summary and its top posts.
type Aggregate struct {
	Summary
	TopPosts []TopPost `json:"top_posts"`
}

// Aggregate sums the caller's workspace's figures over rg (days in the
// workspace's time zone; the zero Range: the last OverviewDays days): per
// platform and in total, e-mail, leads, and the top posts by engagement.
// Any role.
func (s *Service) Aggregate(ctx context.Context, c identity.Caller, rg Range) (Aggregate, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Aggregate{}, err
	}
	rg, err := s.resolve(ctx, c.WorkspaceID, rg)
	if err != nil {
		return Aggregate{}, err
	}
	rows, err := s.store.Rollups(ctx, c.WorkspaceID, "", rg.From, rg.To)
	if err != nil {
		return Aggregate{}, fmt.Errorf("analytics: aggregate: %w", err)
	}
	recs, err := s.store.Published(ctx, c.WorkspaceID, rg.From, rg.To)
	if err != nil {
		return Aggregate{}, fmt.Errorf("analytics: aggregate: %w", err)
	}
	return Aggregate{Summary: summarize(rg, rows), TopPosts: topPosts(recs, nil, DefaultTopPosts)}, nil
}

// CampaignSummary sums a marketing campaign's posts and e-mail campaigns
// published from from's calendar date to to's (as written, in their own
// locations). The campaign's existence is its owner's (tools/campaigns)
// to check; an unknown one sums to nothing. Any role.
func (s *Service) CampaignSummary(ctx context.Context, c identity.Caller, campaignID string, from, to time.Time) (Aggregate, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Aggregate{}, err
	}
	if campaignID == "" {
		return Aggregate{}, fmt.Errorf("%w: a campaign id is required", ErrInvalid)
	}
	rg, err := NewRange(from.Format(DayFormat), to.Format(DayFormat))
	if err != nil {
		return Aggregate{}, err
	}
	rows, err := s.store.Rollups(ctx, c.WorkspaceID, campaignID, rg.From, rg.To)
	if err != nil {
		return Aggregate{}, fmt.Errorf("analytics: campaign summary: %w", err)
	}
	recs, err := s.store.Published(ctx, c.WorkspaceID, rg.From, rg.To)
	if err != nil {
		return Aggregate{}, fmt.Errorf("analytics: campaign summary: %w", err)
	}
	top := topPosts(recs, func(r Record) bool { return r.CampaignID == campaignID }, DefaultTopPosts)
	return Aggregate{Summary: summarize(rg, rows), TopPosts: top}, nil
}

// AccountReport is one account's figures over a range, with its daily series.
type AccountReport struct {
	Aggregate
	AccountID string        `json:"account_id"`
	Platform  platform.Name `json:"platform"`
	Name      string        `json:"account_name"`
	Series    Series        `json:"series"`
}

// AccountAnalytics reports one account of the caller's workspace over rg
// (the zero Range: the last OverviewDays days). An account of another
// workspace, or not on platform p, is ErrNotFound. Any role.
func (s *Service) AccountAnalytics(ctx context.Context, c identity.Caller, p platform.Name, accountID string, rg Range) (AccountReport, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return AccountReport{}, err
	}
	rg, err := s.resolve(ctx, c.WorkspaceID, rg)
	if err != nil {
		return AccountReport{}, err
	}
	a, err := s.cfg.Accounts.Get(ctx, c, accountID)
	if errors.Is(err, accounts.ErrNotFound) || (err == nil && a.Platform != p) {
		return AccountReport{}, fmt.Errorf("%w: no %s account %s in this workspace", ErrNotFound, p.Label(), accountID)
	}
	if err != nil {
		return AccountReport{}, fmt.Errorf("analytics: account analytics: %w", err)
	}
	rows, err := s.store.Rollups(ctx, c.WorkspaceID, "", rg.From, rg.To)
	if err != nil {
		return AccountReport{}, fmt.Errorf("analytics: account analytics: %w", err)
	}
	rows = slices.DeleteFunc(rows, func(r Rollup) bool { return r.Kind != RollupSocial || r.Subject != accountID })
	recs, err := s.store.Published(ctx, c.WorkspaceID, rg.From, rg.To)
	if err != nil {
		return AccountReport{}, fmt.Errorf("analytics: account analytics: %w", err)
	}
	return AccountReport{
		Aggregate: Aggregate{Summary: summarize(rg, rows), TopPosts: topPosts(recs, func(r Record) bool { return r.AccountID == accountID }, DefaultTopPosts)},
		AccountID: a.ID, Platform: a.Platform, Name: a.AccountName, Series: series(rg, rows),
	}, nil
}
