package analytics

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// OverviewDays is the span of the overview's figures (today included).
const OverviewDays = 30

// Overview is the dashboard's first screen.
type Overview struct {
	// TokenStatus counts the workspace's tokens by health (valid,
	// expiring, expired, needs_reauth), Zoho included.
	TokenStatus map[string]int `json:"token_status"`
	// ConnectedAccounts counts the social accounts that can publish.
	ConnectedAccounts int `json:"connected_accounts"`
	// PendingJobs is null when the scheduler is not wired.
	PendingJobs *int              `json:"pending_jobs"`
	Analytics   OverviewAnalytics `json:"analytics"`

	platforms     int
	zohoConnected bool
}

// OverviewAnalytics are the last OverviewDays' figures.
type OverviewAnalytics struct {
	Range       Range                    `json:"range"`
	SocialMedia map[platform.Name]Totals `json:"social_media"`
	Zoho        ZohoFigures              `json:"zoho"`
	Summary     OverviewSummary          `json:"summary"`
}

// ZohoFigures are the e-mail and CRM figures of the overview.
type ZohoFigures struct {
	Connected bool        `json:"connected"`
	Email     EmailTotals `json:"email"`
	Leads     LeadTotals  `json:"leads"`
}

// OverviewSummary holds the brief's five figures, and a few more.
type OverviewSummary struct {
	TotalSocialImpressions *int64   `json:"total_social_impressions"`
	TotalSocialEngagement  *int64   `json:"total_social_engagement"`
	TotalEmailSent         *int64   `json:"total_email_sent"`
	EmailOpenRate          *float64 `json:"email_open_rate"`
	PlatformsConnected     int      `json:"platforms_connected"`
	PostsPublished         int64    `json:"posts_published"`
	EngagementRate         *float64 `json:"engagement_rate"`
	NewLeads               *int64   `json:"new_leads"`
}

// overviewTTL bounds how long another replica's sync can go unseen: a
// sync in this process invalidates at once.
const overviewTTL = 30 * time.Second

// overviewCache keeps each workspace's summed rollups for the overview's
// range; refreshRollups invalidates a workspace (and bumps its version so a
// build that raced the refresh is not kept).
type overviewCache struct {
	mu      sync.Mutex
	entries map[string]cached
	version map[string]uint64
	tokens  map[string]cachedTokens
}

type cached struct {
	rg      Range
	at      time.Time
	summary Summary
}

// liveTTL bounds how long the overview's token counts and pending jobs may
// lag (reading them is most of an uncached overview's cost).
const liveTTL = 2 * time.Second

type cachedTokens struct {
	at time.Time
	o  Overview // TokenStatus, ConnectedAccounts, PendingJobs, platforms, zohoConnected
}

func newOverviewCache() *overviewCache {
	return &overviewCache{entries: map[string]cached{}, version: map[string]uint64{}, tokens: map[string]cachedTokens{}}
}

// livePart counts the workspace's tokens by health, its connected accounts
// and platforms, and its pending jobs, cached for liveTTL.
func (s *Service) livePart(ctx context.Context, c identity.Caller, now time.Time) (Overview, error) {
	s.cache.mu.Lock()
	e, ok := s.cache.tokens[c.WorkspaceID]
	s.cache.mu.Unlock()
	if ok && now.Sub(e.at) >= 0 && now.Sub(e.at) < liveTTL {
		o := e.o
		o.TokenStatus = maps.Clone(e.o.TokenStatus)
		return o, nil
	}
	tokens, err := s.cfg.Accounts.TokenStatus(ctx, c)
	if err != nil {
		return Overview{}, fmt.Errorf("analytics: overview: %w", err)
	}
	o := Overview{TokenStatus: map[string]int{"valid": 0, "expiring": 0, "expired": 0, "needs_reauth": 0}}
	var platforms []platform.Name
	for _, t := range tokens {
		o.TokenStatus[t.Status]++
		switch {
		case t.Platform == platform.Zoho:
			o.zohoConnected = t.Status != string(accounts.StatusNeedsReauth)
		case t.Status != string(accounts.StatusNeedsReauth):
			o.ConnectedAccounts++
			if !slices.Contains(platforms, t.Platform) {
				platforms = append(platforms, t.Platform)
			}
		}
	}
	o.platforms = len(platforms)
	if s.cfg.Jobs != nil {
		jo, err := s.cfg.Jobs.Overview(ctx, c.WorkspaceID)
		if err != nil {
			return Overview{}, fmt.Errorf("analytics: overview: %w", err)
		}
		n := jo.Statistics[schedule.StatusPending]
		o.PendingJobs = &n
	}
	s.cache.mu.Lock()
	s.cache.tokens[c.WorkspaceID] = cachedTokens{at: now, o: o}
	s.cache.mu.Unlock()
	cp := o
	cp.TokenStatus = maps.Clone(o.TokenStatus)
	return cp, nil
}

func (s *Service) invalidate(workspaceID string) {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	delete(s.cache.entries, workspaceID)
	s.cache.version[workspaceID]++
}

// overviewSummary returns the workspace's summed rollups over rg, cached.
func (s *Service) overviewSummary(ctx context.Context, workspaceID string, rg Range, now time.Time) (Summary, error) {
	c := s.cache
	c.mu.Lock()
	e, ok := c.entries[workspaceID]
	v := c.version[workspaceID]
	c.mu.Unlock()
	if ok && e.rg == rg && now.Sub(e.at) < overviewTTL {
		return e.summary, nil
	}
	rows, err := s.store.Rollups(ctx, workspaceID, "", rg.From, rg.To)
	if err != nil {
		return Summary{}, fmt.Errorf("analytics: overview: %w", err)
	}
	sum := summarize(rg, rows)
	c.mu.Lock()
	if c.version[workspaceID] == v {
		c.entries[workspaceID] = cached{rg: rg, at: now, summary: sum}
	}
	c.mu.Unlock()
	return sum, nil
}

// Overview answers the dashboard's overview for the caller's workspace:
// token health, connected accounts, pending jobs and the last
// OverviewDays' figures from the rollups. Any role.
func (s *Service) Overview(ctx context.Context, c identity.Caller) (Overview, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Overview{}, err
	}
	loc, err := s.location(ctx, c.WorkspaceID)
	if err != nil {
		return Overview{}, err
	}
	now := s.now()
	o, err := s.livePart(ctx, c, now)
	if err != nil {
		return Overview{}, err
	}
	sum, err := s.overviewSummary(ctx, c.WorkspaceID, lastDays(now, loc, OverviewDays), now)
	if err != nil {
		return Overview{}, err
	}
	o.Analytics = OverviewAnalytics{Range: sum.Range, SocialMedia: sum.Platforms,
		Zoho: ZohoFigures{Connected: o.zohoConnected, Email: sum.Email, Leads: sum.Leads},
		Summary: OverviewSummary{
			TotalSocialImpressions: sum.Total.Impressions, TotalSocialEngagement: sum.Total.Engagement,
			TotalEmailSent: sum.Email.Sent, EmailOpenRate: sum.Email.OpenRate, PlatformsConnected: o.platforms,
			PostsPublished: sum.Total.PostsPublished, EngagementRate: sum.Total.EngagementRate, NewLeads: sum.Leads.New,
		}}
	return o, nil
}
