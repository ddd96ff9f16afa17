package analytics

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Posts lists a workspace's posts (tools/publish.Service), for the digest's
// failed and coming posts and the text of its top posts.
type Posts interface {
	List(ctx context.Context, c identity.Caller, limit int, cursor string, opts ...publish.ListOption) ([]publish.PostView, string, error)
	Get(ctx context.Context, c identity.Caller, id string) (publish.PostView, error)
}

// Digest is a week in review: the week's figures beside the week before's,
// its daily series (for a chart), its best posts, the posts that failed in
// it, and what is scheduled for the week after it.
type Digest struct {
	// Week is Monday to Sunday in TimeZone.
	Week     Range   `json:"week"`
	TimeZone string  `json:"time_zone"`
	This     Summary `json:"this_week"`
	Previous Summary `json:"previous_week"`
	// History is the week's daily figures, per platform.
	History  History      `json:"history"`
	TopPosts []DigestPost `json:"top_posts"`
	// Failed lists the week's posts with a target that failed or could not
	// be confirmed, newest first; FailedMore counts those beyond the list.
	Failed     []publish.PostView `json:"failed"`
	FailedMore bool               `json:"failed_more,omitempty"`
	// Coming lists the posts scheduled for the next seven days, soonest
	// first; ComingMore says there are more.
	Coming     []publish.PostView `json:"coming"`
	ComingMore bool               `json:"coming_more,omitempty"`
}

// DigestPost is one of the week's best posts with its text.
type DigestPost struct {
	TopPost
	Text string `json:"text"`
	URL  string `json:"url,omitempty"`
}

// Digest limits.
const (
	DigestTopPosts = 3
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

// Digest reviews the caller's workspace's last full week (Monday to Sunday
// in the workspace's time zone, the one before now's). It needs
// Config.Posts. Any role.
func (s *Service) Digest(ctx context.Context, c identity.Caller) (Digest, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Digest{}, err
	}
	if s.cfg.Posts == nil {
		return Digest{}, errors.New("analytics: digest: no posts lister configured")
	}
	loc, err := s.location(ctx, c.WorkspaceID)
	if err != nil {
		return Digest{}, err
	}
	now := s.now()
	week := DigestWeek(now, loc)
	from, _ := time.ParseInLocation(DayFormat, week.From, loc)
	prev := Range{From: from.AddDate(0, 0, -7).Format(DayFormat), To: from.AddDate(0, 0, -1).Format(DayFormat)}
	d := Digest{Week: week, TimeZone: loc.String()}

	this, err := s.Aggregate(ctx, c, week)
	if err != nil {
		return Digest{}, err
	}
	d.This = this.Summary
	before, err := s.Aggregate(ctx, c, prev)
	if err != nil {
		return Digest{}, err
	}
	d.Previous = before.Summary
	if d.History, err = s.history(ctx, c.WorkspaceID, "", week); err != nil {
		return Digest{}, err
	}
	for _, tp := range this.TopPosts[:min(DigestTopPosts, len(this.TopPosts))] {
		dp := DigestPost{TopPost: tp}
		if p, err := s.cfg.Posts.Get(ctx, c, tp.PostID); err == nil {
			dp.Text = p.Content.Text
			for _, t := range p.Targets {
				if t.AccountID == tp.AccountID && t.URL != "" {
					dp.URL = t.URL
				}
			}
		} else if !errors.Is(err, publish.ErrNotFound) {
			return Digest{}, fmt.Errorf("analytics: digest: top post %s: %w", tp.PostID, err)
		}
		d.TopPosts = append(d.TopPosts, dp)
	}
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
