package publish

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	fk "github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/when"
)

// PostView is a post as people and clients see it.
type PostView struct {
	ID          string                   `json:"id"`
	Status      string                   `json:"status"`
	CampaignID  string                   `json:"campaign_id,omitempty"`
	Content     Content                  `json:"content"`
	Variants    map[platform.Name]string `json:"variants,omitempty"`
	CreatedBy   string                   `json:"created_by"`
	Door        identity.Door            `json:"door"`
	ScheduledAt *time.Time               `json:"scheduled_at,omitempty"`
	CreatedAt   time.Time                `json:"created_at"`
	UpdatedAt   time.Time                `json:"updated_at"`
	Targets     []TargetView             `json:"targets"`
}

// TargetView is one delivery as people see it; Actions lists what they can
// do about it ("cancel", "retry", "publish_anyway").
type TargetView struct {
	AccountID      string        `json:"account_id"`
	Platform       platform.Name `json:"platform"`
	Status         Status        `json:"status"`
	PlatformPostID string        `json:"platform_post_id"`
	URL            string        `json:"url"`
	Error          string        `json:"error"`
	Failure        *fk.Failure   `json:"failure,omitempty"`
	Attempts       int           `json:"attempts"`
	JobID          string        `json:"job_id,omitempty"`
	RunAt          time.Time     `json:"run_at"`
	WaitingUntil   *time.Time    `json:"waiting_until,omitempty"`
	PublishedAt    *time.Time    `json:"published_at,omitempty"`
	Actions        []string      `json:"actions"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// View is p as people see it.
func (p Post) View() PostView {
	v := PostView{ID: p.ID, CampaignID: p.CampaignID, Content: p.Content, Variants: p.Variants, CreatedBy: p.CreatedBy, Door: p.Door,
		ScheduledAt: timePtr(p.ScheduledAt), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Targets: []TargetView{}}
	counts := map[Status]int{}
	for _, d := range p.Targets {
		counts[d.Status]++
		t := TargetView{AccountID: d.AccountID, Platform: d.Platform, Status: d.Status, PlatformPostID: d.PlatformPostID, URL: d.URL,
			Error: d.LastError, Failure: d.Failure, Attempts: d.Attempts, JobID: d.JobID, RunAt: d.RunAt, PublishedAt: timePtr(d.PublishedAt), Actions: []string{}}
		if d.Status == StatusPending && d.WaitingUntil.After(d.UpdatedAt) {
			t.WaitingUntil = timePtr(d.WaitingUntil)
		}
		switch d.Status {
		case StatusPending:
			t.Actions = append(t.Actions, "cancel")
		case StatusFailed:
			t.Actions = append(t.Actions, "retry")
		case StatusUnconfirmed:
			t.Actions = append(t.Actions, "publish_anyway", "cancel")
		}
		v.Targets = append(v.Targets, t)
	}
	n := len(p.Targets)
	switch {
	case n > 0 && counts[StatusPublished] == n:
		v.Status = "published"
	case n > 0 && counts[StatusCancelled] == n:
		v.Status = "cancelled"
	case counts[StatusPublishing] > 0:
		v.Status = "publishing"
	case counts[StatusPending] > 0 && !p.ScheduledAt.IsZero() && counts[StatusPending]+counts[StatusCancelled] == n:
		v.Status = "scheduled"
	case counts[StatusPending] > 0:
		v.Status = "pending"
	case counts[StatusPublished] > 0:
		v.Status = "partial"
	case counts[StatusUnconfirmed] > 0:
		v.Status = "unconfirmed"
	default:
		v.Status = "failed"
	}
	return v
}

// Get returns a post of the caller's workspace.
func (s *Service) Get(ctx context.Context, c identity.Caller, id string) (PostView, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return PostView{}, err
	}
	p, err := s.store.GetPost(ctx, c.WorkspaceID, id)
	if err != nil {
		return PostView{}, err
	}
	return p.View(), nil
}

// ListOption narrows List.
type ListOption func(*PostFilter)

// InCampaign lists only the posts of campaign id ("" lists every post). The
// id is not checked: an unknown campaign has no posts.
func InCampaign(id string) ListOption {
	return func(f *PostFilter) { f.CampaignID = strings.TrimSpace(id) }
}

// WithStatus lists only the posts with at least one target in delivery
// status st ("" lists every post). It is the targets' status, not the
// post's overall one: a "partial" post has a published and a failed target.
func WithStatus(st Status) ListOption {
	return func(f *PostFilter) { f.Status = st }
}

// OnPlatform lists only the posts with a target on platform n ("" lists
// every post). With WithStatus, one target must match both.
func OnPlatform(n platform.Name) ListOption {
	return func(f *PostFilter) { f.Platform = n }
}

// Between lists only the posts whose time is in [from, to): the scheduled
// time, or the created time for a post sent now. A zero bound is open.
func Between(from, to time.Time) ListOption {
	return func(f *PostFilter) { f.From, f.To = from, to }
}

// TargetStatuses are the statuses WithStatus accepts, in a target's life order.
var TargetStatuses = []Status{StatusPending, StatusPublishing, StatusPublished, StatusFailed, StatusUnconfirmed, StatusCancelled}

func (f PostFilter) check() error {
	if f.Status != "" && !slices.Contains(TargetStatuses, f.Status) {
		return fmt.Errorf("%w: status %q is not one of pending, publishing, published, failed, unconfirmed, cancelled", ErrInvalid, f.Status)
	}
	if f.Platform != "" && !slices.Contains(platform.Social, f.Platform) {
		return fmt.Errorf("%w: platform %q is not one of facebook, instagram, twitter, linkedin", ErrInvalid, f.Platform)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return fmt.Errorf("%w: the window must end after it starts (from %s, to %s)", ErrInvalid, f.From.Format(time.RFC3339), f.To.Format(time.RFC3339))
	}
	return nil
}

// List pages through the workspace's posts, newest first; next is "" on the
// last page. A cursor continues the listing it came from (same options).
func (s *Service) List(ctx context.Context, c identity.Caller, limit int, cursor string, opts ...ListOption) (posts []PostView, next string, err error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, "", err
	}
	var f PostFilter
	for _, o := range opts {
		o(&f)
	}
	if err := f.check(); err != nil {
		return nil, "", err
	}
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	after, err := parseCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	ps, err := s.store.ListPosts(ctx, c.WorkspaceID, f, limit+1, after)
	if err != nil {
		return nil, "", err
	}
	if len(ps) > limit {
		ps = ps[:limit]
		last := ps[limit-1]
		next = Cursor{CreatedAt: last.CreatedAt, ID: last.ID}.String()
	}
	posts = make([]PostView, len(ps))
	for i, p := range ps {
		posts[i] = p.View()
	}
	return posts, next, nil
}

// parseCursor reads a cursor an earlier page gave out.
func parseCursor(s string) (Cursor, error) {
	c, err := store.ParseCursor(s)
	if err != nil {
		return Cursor{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return c, nil
}

// Retry sends a post's failed targets again, now, and only those.
func (s *Service) Retry(ctx context.Context, c identity.Caller, id string) (Outcome, error) {
	return s.again(ctx, c, id, func(d Delivery) bool { return d.Status == StatusFailed }, false,
		"nothing to retry: no target of this post failed")
}

// PublishAnyway sends an unconfirmed target again after a person checked the
// account and found the post missing. accountID "" means every unconfirmed target.
func (s *Service) PublishAnyway(ctx context.Context, c identity.Caller, id, accountID string) (Outcome, error) {
	return s.again(ctx, c, id, func(d Delivery) bool {
		return d.Status == StatusUnconfirmed && (accountID == "" || d.AccountID == accountID)
	}, true, "nothing to publish anyway: no target of this post is unconfirmed")
}

func (s *Service) again(ctx context.Context, c identity.Caller, id string, pick func(Delivery) bool, forget bool, none string) (Outcome, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Outcome{}, err
	}
	p, err := s.store.GetPost(ctx, c.WorkspaceID, id)
	if err != nil {
		return Outcome{}, err
	}
	now := s.now()
	var run []Delivery
	for _, d := range p.Targets {
		if !pick(d) {
			continue
		}
		ids, err := s.cfg.Jobs.EnqueueDeliveries(ctx, []JobSpec{{WorkspaceID: c.WorkspaceID, DeliveryID: d.ID,
			RunAt: now.Add(s.cfg.Watchdog), UniqueKey: fmt.Sprintf("delivery:%s:%d", d.ID, d.Rev+1), CreatedBy: c.UserID}})
		if err != nil {
			return Outcome{}, wrapf(err, "enqueue delivery")
		}
		r := d
		r.Status, r.Attempts, r.Checks, r.LastError, r.Failure, r.RunAt, r.WaitingUntil, r.JobID, r.UpdatedAt = StatusPending, 0, 0, "", nil, now, time.Time{}, ids[0], now
		if forget {
			r.VerifySince = time.Time{}
		}
		ok, err := s.commit.Save(ctx, r)
		if err != nil || !ok {
			_ = s.cfg.Jobs.CancelJob(context.WithoutCancel(ctx), c.WorkspaceID, ids[0])
			if err != nil {
				return Outcome{}, err
			}
			continue // someone else moved it first
		}
		r.Rev++
		run = append(run, r)
	}
	if len(run) == 0 {
		return Outcome{}, fmt.Errorf("%w: %s", ErrConflict, none)
	}
	s.runNow(ctx, run)
	return s.outcome(ctx, c.WorkspaceID, id, nil)
}

// Cancel stops a post's targets that have not started, and closes the
// unconfirmed ones (a person checked and does not want them sent); the others
// are left as they are. ErrConflict when none was pending or unconfirmed.
func (s *Service) Cancel(ctx context.Context, c identity.Caller, id string) (PostView, error) {
	if err := c.Require(identity.Editor); err != nil {
		return PostView{}, err
	}
	p, err := s.store.GetPost(ctx, c.WorkspaceID, id)
	if err != nil {
		return PostView{}, err
	}
	now := s.now()
	n := 0
	for _, d := range p.Targets {
		if d.Status != StatusPending && d.Status != StatusUnconfirmed {
			continue
		}
		x := d
		x.Status, x.LastError, x.UpdatedAt = StatusCancelled, "cancelled by "+c.UserID, now
		ok, err := s.commit.Save(ctx, x)
		if err != nil {
			return PostView{}, err
		}
		if !ok {
			continue
		}
		n++
		if err := s.cfg.Jobs.CancelJob(ctx, c.WorkspaceID, d.JobID); err != nil {
			// A running job finds the delivery cancelled and stops.
			s.log.Debug().Err(err).Str("job", d.JobID).Msg("publish: cancel delivery job")
		}
	}
	if n == 0 {
		return PostView{}, fmt.Errorf("%w: nothing to cancel: no target of this post is waiting or unconfirmed", ErrConflict)
	}
	return s.Get(ctx, c, id)
}

// ParseTime reads a schedule time in the caller's time zone: RFC 3339, a
// local date and time ("2026-12-01 09:00") or a person's words ("tomorrow
// 9am", "in 2 hours", "next Monday 14:30"; see tools/when), returned in
// that zone so what says it reads as the person does. A time in the past is
// ErrInvalid, saying so.
func (s *Service) ParseTime(ctx context.Context, c identity.Caller, v string) (time.Time, error) {
	loc := time.UTC
	if s.cfg.UserLocation != nil {
		if l, lerr := s.cfg.UserLocation(ctx, c.WorkspaceID, c.UserID); lerr == nil && l != nil {
			loc = l
		}
	}
	now := s.now()
	t, err := when.Parse(v, now, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("%w: %s is in the past (it is now %s)", ErrInvalid, t.In(loc).Format("Mon 2 Jan 2006, 15:04 MST"), now.In(loc).Format("Mon 2 Jan 2006, 15:04 MST"))
	}
	return t.In(loc), nil
}
