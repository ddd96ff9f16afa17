package analytics

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// RollupKind is what a rollup row sums.
type RollupKind string

// The kinds of rollup.
const (
	// RollupSocial: one account's posts published that day (and its
	// followers that day, in the row without a campaign); Subject is the
	// account id.
	RollupSocial RollupKind = "social"
	// RollupEmail: the e-mail campaigns sent that day; Subject is "".
	RollupEmail RollupKind = "email"
	// RollupLeads: the CRM leads created that day; Subject is the source.
	RollupLeads RollupKind = "leads"
)

// Rollup is the sum of the latest figures of what one subject published on
// one day (in the workspace's time zone), per marketing campaign. A nil
// figure is one no summed record knew.
type Rollup struct {
	WorkspaceID string        `json:"workspace_id"`
	Day         string        `json:"day"`
	Kind        RollupKind    `json:"kind"`
	Subject     string        `json:"subject"`
	CampaignID  string        `json:"campaign_id"`
	Platform    platform.Name `json:"platform"`
	// Posts counts the posts (RollupSocial) or e-mail campaigns (RollupEmail).
	Posts int64 `json:"posts"`
	// Metrics sums the posts' figures; Followers is the account's count
	// that day (not a sum over days); Clicks of RollupEmail are e-mail clicks.
	Metrics platform.Metrics `json:"metrics"`
	Email   EmailFigures     `json:"email"`
	Leads   *int64           `json:"leads"`
	// Engagement sums likes, comments, shares, clicks and saves, each of
	// them where known.
	Engagement *int64 `json:"engagement"`
	// RateEngagement and RateImpressions sum the engagement and impressions
	// of the posts that know both: the engagement rate's terms.
	RateEngagement  *int64 `json:"rate_engagement"`
	RateImpressions *int64 `json:"rate_impressions"`
}

// add adds v to *dst when v is known; an unknown v leaves *dst as it is.
func add(dst **int64, v *int64) {
	if v == nil {
		return
	}
	if *dst == nil {
		*dst = new(int64)
	}
	**dst += *v
}

// engagement is m's likes + comments + shares + clicks + saves, over the
// known ones; nil when none is known.
func engagement(m platform.Metrics) *int64 {
	var e *int64
	for _, v := range []*int64{m.Likes, m.Comments, m.Shares, m.Clicks, m.Saves} {
		add(&e, v)
	}
	return e
}

// latest keeps each subject's newest record (by day), in the order given.
func latest(rs []Record) []Record {
	type key struct {
		kind    Kind
		subject string
	}
	idx := map[key]int{}
	var out []Record
	for _, r := range rs {
		k := key{r.Kind, r.SubjectID}
		if i, ok := idx[k]; ok {
			if r.Day >= out[i].Day {
				out[i] = r
			}
			continue
		}
		idx[k] = len(out)
		out = append(out, r)
	}
	return out
}

// ComputeRollups sums the records published on day (Store.Published of that
// day) into the day's rollup rows, ordered like Store.Rollups.
func ComputeRollups(workspaceID, day string, rs []Record) []Rollup {
	type key struct {
		kind              RollupKind
		subject, campaign string
	}
	rows := map[key]*Rollup{}
	row := func(k key, p platform.Name) *Rollup {
		if r := rows[k]; r != nil {
			return r
		}
		r := &Rollup{WorkspaceID: workspaceID, Day: day, Kind: k.kind, Subject: k.subject, CampaignID: k.campaign, Platform: p}
		rows[k] = r
		return r
	}
	for _, rec := range latest(rs) {
		if rec.PublishedDay != day {
			continue
		}
		switch rec.Kind {
		case KindAccount:
			r := row(key{RollupSocial, rec.AccountID, ""}, rec.Platform)
			r.Metrics.Followers = rec.Metrics.Followers
		case KindPost:
			r := row(key{RollupSocial, rec.AccountID, rec.CampaignID}, rec.Platform)
			r.Posts++
			m := rec.Metrics
			for _, f := range []struct{ dst, v **int64 }{{&r.Metrics.Impressions, &m.Impressions}, {&r.Metrics.Reach, &m.Reach},
				{&r.Metrics.Likes, &m.Likes}, {&r.Metrics.Comments, &m.Comments}, {&r.Metrics.Shares, &m.Shares},
				{&r.Metrics.Clicks, &m.Clicks}, {&r.Metrics.Saves, &m.Saves}, {&r.Metrics.VideoViews, &m.VideoViews}} {
				add(f.dst, *f.v)
			}
			e := engagement(m)
			add(&r.Engagement, e)
			if e != nil && m.Impressions != nil {
				add(&r.RateEngagement, e)
				add(&r.RateImpressions, m.Impressions)
			}
		case KindEmail:
			r := row(key{RollupEmail, "", rec.CampaignID}, platform.Zoho)
			r.Posts++
			add(&r.Email.Sent, rec.Email.Sent)
			add(&r.Email.Delivered, rec.Email.Delivered)
			add(&r.Email.Opens, rec.Email.Opens)
			add(&r.Email.Bounces, rec.Email.Bounces)
			add(&r.Email.Unsubscribes, rec.Email.Unsubscribes)
			add(&r.Metrics.Clicks, rec.Metrics.Clicks)
		case KindLeads:
			r := row(key{RollupLeads, rec.Source, ""}, platform.Zoho)
			add(&r.Leads, rec.Leads)
		}
	}
	out := make([]Rollup, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Rollup) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.CampaignID, b.CampaignID))
	})
	return out
}

// refreshRollups rebuilds the workspace's rollups of each day from its
// snapshots.
func (s *Service) refreshRollups(ctx context.Context, workspaceID string, days []string) error {
	slices.Sort(days)
	for _, day := range slices.Compact(days) {
		rs, err := s.store.Published(ctx, workspaceID, day, day)
		if err != nil {
			return fmt.Errorf("analytics: rollups of %s: %w", day, err)
		}
		if err := s.store.ReplaceRollups(ctx, workspaceID, day, ComputeRollups(workspaceID, day, rs)); err != nil {
			return fmt.Errorf("analytics: rollups of %s: %w", day, err)
		}
	}
	s.invalidate(workspaceID)
	return nil
}

// RebuildRollups recomputes the caller's workspace's rollups of every day
// of rg from its snapshots (after an import, a repair or a change of time
// zone). Admin only.
func (s *Service) RebuildRollups(ctx context.Context, c identity.Caller, rg Range) error {
	if err := c.Require(identity.Admin); err != nil {
		return err
	}
	rg, err := NewRange(rg.From, rg.To)
	if err != nil {
		return err
	}
	return s.refreshRollups(ctx, c.WorkspaceID, rg.Days())
}

// RecordPublished counts deliveries as soon as they are published, their
// figures unknown until the sync reads them, and rebuilds those days'
// rollups: the overview's posts published need not wait for the next sync.
// Feed calls it for tools/publish's "published" event.
func (s *Service) RecordPublished(ctx context.Context, ds ...publish.PublishedDelivery) error {
	byWorkspace := map[string][]publish.PublishedDelivery{}
	for _, d := range ds {
		byWorkspace[d.WorkspaceID] = append(byWorkspace[d.WorkspaceID], d)
	}
	now := s.now()
	for ws, ds := range byWorkspace {
		loc, err := s.location(ctx, ws)
		if err != nil {
			return err
		}
		recs, days := make([]Record, len(ds)), make([]string, len(ds))
		for i, d := range ds {
			recs[i] = Record{WorkspaceID: ws, Kind: KindPost, SubjectID: d.DeliveryID, Day: DayIn(now, loc), Hour: now.In(loc).Hour(),
				AccountID: d.AccountID, Platform: d.Platform, PostID: d.PostID, PlatformPostID: d.PlatformPostID, CampaignID: d.CampaignID,
				PublishedAt: d.PublishedAt.UTC(), PublishedDay: DayIn(d.PublishedAt, loc), FetchedAt: now.UTC()}
			days[i] = recs[i].PublishedDay
		}
		if err := s.store.Upsert(ctx, recs); err != nil {
			return fmt.Errorf("analytics: record %d published in %s: %w", len(recs), ws, err)
		}
		if err := s.refreshRollups(ctx, ws, days); err != nil {
			return err
		}
	}
	return nil
}
