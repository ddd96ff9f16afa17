package analytics

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Posts lists a workspace's posts (tools/publish.Service), for the digest's
// failed and coming posts and the text of its top posts.
type Posts interface {
	List(ctx context.Context, c identity.Caller, limit int, cursor string, opts ...publish.ListOption) ([]publish.PostView, string, error)
	Get(ctx context.Context, c identity.Caller, id string) (publish.PostView, error)
}

// Review is a range's figures beside those of the same number of days
// before it, its daily series (for a chart), its best posts with their
// text, and the best slot to post found in the workspace's own data.
type Review struct {
	Range    Range   `json:"range"`
	TimeZone string  `json:"time_zone"`
	This     Summary `json:"this_period"`
	Previous Summary `json:"previous_period"`
	// History is the range's daily figures, per platform.
	History  History      `json:"history"`
	TopPosts []ReviewPost `json:"top_posts"`
	// Best is the best weekday and hour to post over every platform with
	// enough measured posts (nil when none has); BestOn is its platform.
	Best   *Slot         `json:"best_slot,omitempty"`
	BestOn platform.Name `json:"best_slot_platform,omitempty"`
}

// ReviewPost is one of a range's best posts with its text and link.
type ReviewPost struct {
	TopPost
	Text string `json:"text"`
	URL  string `json:"url,omitempty"`
}

// Digest is a week in review (Monday to Sunday) with the posts that
// failed in it and what is scheduled for the coming seven days.
type Digest struct {
	Review
	// Failed lists the week's posts with a target that failed or could not
	// be confirmed; FailedMore says there are more.
	Failed     []publish.PostView `json:"failed"`
	FailedMore bool               `json:"failed_more,omitempty"`
	// Coming lists the posts scheduled for the next seven days, soonest
	// first; ComingMore says there are more.
	Coming     []publish.PostView `json:"coming"`
	ComingMore bool               `json:"coming_more,omitempty"`
	// FirstAnswers is how fast the week's comments and mentions got a
	// first answer, per platform, the busiest first.
	FirstAnswers []inbox.FirstAnswer `json:"first_answers,omitempty"`
}

// FirstAnswers is tools/inbox's first-answer times (*inbox.Service).
type FirstAnswers interface {
	FirstAnswers(ctx context.Context, c identity.Caller, since, until time.Time) ([]inbox.FirstAnswer, error)
}

// Limits of a review and a digest.
const (
	ReviewTopPosts = 3
	DigestListed   = 5
)

// DigestWeek is the Monday-to-Sunday week before the one now falls in, in
// loc.
func DigestWeek(now time.Time, loc *time.Location) Range {
	local := now.In(loc)
	back := (int(local.Weekday()) + 6) % 7 // days since Monday
	monday := time.Date(local.Year(), local.Month(), local.Day()-back-7, 0, 0, 0, 0, loc)
	return Range{From: monday.Format(DayFormat), To: monday.AddDate(0, 0, 6).Format(DayFormat)}
}

// Review sums the caller's workspace's figures over rg (days in the
// workspace's time zone; the zero Range: the last OverviewDays days) and
// the as many days before it, with the daily series, the best posts and
// the best slot. It needs Config.Posts for the posts' text. Any role.
func (s *Service) Review(ctx context.Context, c identity.Caller, rg Range) (Review, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Review{}, err
	}
	if s.cfg.Posts == nil {
		return Review{}, errors.New("analytics: review: no posts lister configured")
	}
	rg, err := s.resolve(ctx, c.WorkspaceID, rg)
	if err != nil {
		return Review{}, err
	}
	loc, err := s.location(ctx, c.WorkspaceID)
	if err != nil {
		return Review{}, err
	}
	from, _ := time.ParseInLocation(DayFormat, rg.From, loc)
	n := len(rg.Days())
	prev := Range{From: from.AddDate(0, 0, -n).Format(DayFormat), To: from.AddDate(0, 0, -1).Format(DayFormat)}
	r := Review{Range: rg, TimeZone: loc.String()}
	this, err := s.Aggregate(ctx, c, rg)
	if err != nil {
		return Review{}, err
	}
	r.This = this.Summary
	before, err := s.Aggregate(ctx, c, prev)
	if err != nil {
		return Review{}, err
	}
	r.Previous = before.Summary
	if r.History, err = s.history(ctx, c.WorkspaceID, "", rg); err != nil {
		return Review{}, err
	}
	for _, tp := range this.TopPosts[:min(ReviewTopPosts, len(this.TopPosts))] {
		rp := ReviewPost{TopPost: tp}
		if p, err := s.cfg.Posts.Get(ctx, c, tp.PostID); err == nil {
			rp.Text = p.Content.Text
			for _, t := range p.Targets {
				if t.AccountID == tp.AccountID && t.URL != "" {
					rp.URL = t.URL
				}
			}
		} else if !errors.Is(err, publish.ErrNotFound) {
			return Review{}, fmt.Errorf("analytics: review: top post %s: %w", tp.PostID, err)
		}
		r.TopPosts = append(r.TopPosts, rp)
	}
	bt, err := s.BestTimes(ctx, c, "")
	if err != nil {
		return Review{}, err
	}
	for _, p := range platform.Social {
		pb, ok := bt.Platforms[p]
		if !ok || !pb.FromData || len(pb.Best) == 0 || pb.Best[0].EngagementRate == nil {
			continue
		}
		if r.Best == nil || *pb.Best[0].EngagementRate > *r.Best.EngagementRate {
			best := pb.Best[0]
			r.Best, r.BestOn = &best, p
		}
	}
	return r, nil
}

// Digest reviews the caller's workspace's last full week (Monday to Sunday
// in the workspace's time zone, the one before now's), with its failed
// posts and the coming week's. It needs Config.Posts. Any role.
func (s *Service) Digest(ctx context.Context, c identity.Caller) (Digest, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Digest{}, err
	}
	loc, err := s.location(ctx, c.WorkspaceID)
	if err != nil {
		return Digest{}, err
	}
	now := s.now()
	week := DigestWeek(now, loc)
	rev, err := s.Review(ctx, c, week)
	if err != nil {
		return Digest{}, err
	}
	d := Digest{Review: rev}
	from, _ := time.ParseInLocation(DayFormat, week.From, loc)
	end := from.AddDate(0, 0, 7)
	for _, st := range []publish.Status{publish.StatusFailed, publish.StatusUnconfirmed} {
		ps, next, err := s.cfg.Posts.List(ctx, c, DigestListed, "", publish.WithStatus(st), publish.Between(from, end))
		if err != nil {
			return Digest{}, fmt.Errorf("analytics: digest: %s posts: %w", st, err)
		}
		d.Failed = appendNew(d.Failed, ps...)
		d.FailedMore = d.FailedMore || next != ""
	}
	if len(d.Failed) > DigestListed {
		d.Failed, d.FailedMore = d.Failed[:DigestListed], true
	}
	coming, next, err := s.cfg.Posts.List(ctx, c, 100, "", publish.WithStatus(publish.StatusPending), publish.Between(now, now.AddDate(0, 0, 7)))
	if err != nil {
		return Digest{}, fmt.Errorf("analytics: digest: coming posts: %w", err)
	}
	slices.SortStableFunc(coming, func(a, b publish.PostView) int { return postTime(a).Compare(postTime(b)) })
	d.Coming, d.ComingMore = coming[:min(DigestListed, len(coming))], next != "" || len(coming) > DigestListed
	if s.cfg.Inbox != nil {
		if d.FirstAnswers, err = s.cfg.Inbox.FirstAnswers(ctx, c, from, end); err != nil {
			return Digest{}, fmt.Errorf("analytics: digest: first answers: %w", err)
		}
	}
	return d, nil
}

// appendNew appends the posts of ps that are not in to yet.
func appendNew(to []publish.PostView, ps ...publish.PostView) []publish.PostView {
	seen := map[string]bool{}
	for _, p := range to {
		seen[p.ID] = true
	}
	for _, p := range ps {
		if !seen[p.ID] {
			seen[p.ID] = true
			to = append(to, p)
		}
	}
	return to
}

// postTime is when a post goes out: its scheduled time, or its creation
// for one sent at once.
func postTime(p publish.PostView) time.Time {
	if p.ScheduledAt != nil {
		return *p.ScheduledAt
	}
	return p.CreatedAt
}
