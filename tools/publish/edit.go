package publish

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Patch changes a scheduled post; nil fields stay as they are.
type Patch struct {
	Text      *string                   `json:"text,omitempty"`
	Link      *string                   `json:"link,omitempty"`
	ImageURLs *[]string                 `json:"image_urls,omitempty"`
	VideoURL  *string                   `json:"video_url,omitempty"`
	Thread    *[]string                 `json:"thread,omitempty"`
	Variants  *map[platform.Name]string `json:"variants,omitempty"`
	// AccountIDs, when set, is the post's new list of targets: an account
	// not yet among them gets its own delivery (validated first); one left
	// out is cancelled, if it has not started.
	AccountIDs *[]string `json:"account_ids,omitempty"`
	// AllowDuplicate lets an added account get a text it got within 24 h.
	AllowDuplicate bool       `json:"allow_duplicate,omitempty"`
	RunAt          *time.Time `json:"-"`
}

func (p Patch) changesContent() bool {
	return p.Text != nil || p.Link != nil || p.ImageURLs != nil || p.VideoURL != nil || p.Thread != nil || p.Variants != nil || p.RunAt != nil
}

// Update changes a scheduled post before it runs: its content or time
// (its deliveries, and their jobs, move with it; ErrConflict once any target
// has started) and its targets (Patch.AccountIDs). A target that is
// publishing or final cannot be removed: ErrConflict says which.
func (s *Service) Update(ctx context.Context, c identity.Caller, id string, patch Patch) (PostView, error) {
	if err := c.Require(identity.Editor); err != nil {
		return PostView{}, err
	}
	p, err := s.store.GetPost(ctx, c.WorkspaceID, id)
	if err != nil {
		return PostView{}, err
	}
	now := s.now()
	removed, added, err := retarget(p, patch.AccountIDs)
	if err != nil {
		return PostView{}, err
	}
	gone := map[string]bool{}
	for _, d := range removed {
		gone[d.ID] = true
	}
	var pending []Delivery
	for _, d := range p.Targets {
		switch {
		case d.Status == StatusCancelled, gone[d.ID]:
		case d.Status != StatusPending || !d.StartedAt.IsZero():
			if patch.changesContent() {
				return PostView{}, fmt.Errorf("%w: the post to %s has already started (%s); it can no longer be changed", ErrConflict, d.AccountID, d.Status)
			}
		default:
			pending = append(pending, d)
		}
	}
	if len(pending) == 0 && len(added) == 0 {
		return PostView{}, fmt.Errorf("%w: nothing is left to send for this post", ErrConflict)
	}
	applyPatch(&p, patch)
	moved := false
	if patch.RunAt != nil {
		at := patch.RunAt.UTC()
		if !at.After(now) {
			return PostView{}, fmt.Errorf("%w: %s is in the past; pick a time from now on", ErrInvalid, at.Format(time.RFC3339))
		}
		moved = !at.Equal(p.ScheduledAt)
		p.ScheduledAt = at
	}
	if len(added) > 0 && !p.ScheduledAt.After(now) {
		return PostView{}, fmt.Errorf("%w: accounts can only be added to a post scheduled for later; publish to them as a new post", ErrInvalid)
	}
	var refs []platform.MediaRef // the uploaded media every target carries
	if len(p.Targets) > 0 {
		refs = p.Targets[0].Body.Media
	}
	mediaChanged := patch.ImageURLs != nil || patch.VideoURL != nil
	if mediaChanged {
		if ps := s.checkMedia(ctx, p.Content); len(ps) > 0 {
			return PostView{}, mediaError(ps)
		}
	}
	var media []inspected // the media as each platform will see them, when they changed or targets are added
	if mediaChanged || len(added) > 0 {
		var ps []Problem
		if media, ps = s.inspectMedia(ctx, c.WorkspaceID, p.Content, refs); len(ps) > 0 {
			return PostView{}, mediaError(ps)
		}
	}
	var problems []Problem
	for i, d := range pending {
		body := bodyFor(p.Content, p.Variants, d.Platform, d.Body.Media)
		for _, pr := range Validate(d.Platform, body, s.limits) {
			pr.AccountID = d.AccountID
			problems = append(problems, pr)
		}
		if mediaChanged {
			problems = append(problems, mediaProblems(d.Platform, d.AccountID, media)...)
		}
		pending[i].Body, pending[i].TextHash, pending[i].LastError, pending[i].Failure, pending[i].UpdatedAt = body, textHash(d.Platform, body), "", nil, now
		if patch.RunAt != nil {
			pending[i].RunAt = p.ScheduledAt
		}
	}
	var newTargets []Delivery
	next := len(p.Targets)
	for _, acct := range added {
		d, name, ps, err := s.newTarget(ctx, c, p, refs, acct, p.ScheduledAt, now, next)
		if err != nil {
			return PostView{}, err
		}
		if len(ps) == 0 {
			ps = mediaProblems(name, acct, media)
		}
		problems = append(problems, ps...)
		newTargets = append(newTargets, d)
		next++
	}
	if len(problems) > 0 {
		return PostView{}, &ValidationError{Problems: problems}
	}
	if !patch.AllowDuplicate {
		if err := s.duplicateGuard(ctx, newTargets); err != nil {
			return PostView{}, err
		}
	}
	p.UpdatedAt = now
	if err := s.store.ReplacePost(ctx, p, pending); err != nil {
		return PostView{}, err
	}
	if err := s.addTargets(ctx, c, newTargets); err != nil {
		return PostView{}, err
	}
	for _, d := range removed {
		if err := s.cancelTarget(ctx, c, d, now); err != nil {
			return PostView{}, err
		}
	}
	if moved {
		for _, d := range pending {
			// A job that cannot move is running: it will find the new time
			// on the delivery and wait for it.
			if err := s.cfg.Jobs.MoveJob(ctx, c.WorkspaceID, d.JobID, p.ScheduledAt); err != nil {
				s.log.Warn().Err(err).Str("delivery", d.ID).Str("job", d.JobID).Msg("publish: move job of an edited post")
			}
		}
	}
	return s.Get(ctx, c, id)
}

// retarget compares the post's live targets (not cancelled) with the new
// list: the deliveries to remove, which must not have started, and the
// accounts to add. A nil list changes nothing.
func retarget(p Post, accountIDs *[]string) (removed []Delivery, added []string, err error) {
	if accountIDs == nil {
		return nil, nil, nil
	}
	want := dedupe(*accountIDs)
	if len(want) == 0 {
		return nil, nil, &ValidationError{Problems: []Problem{{Field: "account_ids",
			Message: "name at least one account to post to; to stop the whole post, cancel it"}}}
	}
	keep := map[string]bool{}
	for _, a := range want {
		keep[a] = true
	}
	live := map[string]bool{}
	var refused []string
	for _, d := range p.Targets {
		if d.Status == StatusCancelled {
			continue
		}
		live[d.AccountID] = true
		if keep[d.AccountID] {
			continue
		}
		if d.Status != StatusPending || !d.StartedAt.IsZero() {
			state := string(d.Status)
			if d.Status == StatusPending {
				state = "being tried (it waits for another attempt)"
			}
			refused = append(refused, fmt.Sprintf("the post to %s is already %s", d.AccountID, state))
			continue
		}
		removed = append(removed, d)
	}
	if len(refused) > 0 {
		return nil, nil, fmt.Errorf("%w: %s; it can no longer be removed", ErrConflict, strings.Join(refused, "; "))
	}
	for _, a := range want {
		if !live[a] {
			added = append(added, a)
		}
	}
	return removed, added, nil
}

// addTargets enqueues a job per new delivery, then stores them; a delivery
// is never stored without its job.
func (s *Service) addTargets(ctx context.Context, c identity.Caller, ds []Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	specs := make([]JobSpec, len(ds))
	for i, d := range ds {
		specs[i] = JobSpec{WorkspaceID: c.WorkspaceID, DeliveryID: d.ID, RunAt: d.RunAt, UniqueKey: "delivery:" + d.ID + ":1", CreatedBy: c.UserID}
	}
	jobIDs, err := s.cfg.Jobs.EnqueueDeliveries(ctx, specs)
	if err != nil {
		return wrapf(err, "enqueue deliveries")
	}
	if len(jobIDs) != len(ds) {
		return fmt.Errorf("publish: enqueue returned %d ids for %d jobs", len(jobIDs), len(ds))
	}
	for i := range ds {
		ds[i].JobID = jobIDs[i]
	}
	if err := s.store.AddDeliveries(ctx, ds); err != nil {
		for _, id := range jobIDs {
			_ = s.cfg.Jobs.CancelJob(context.WithoutCancel(ctx), c.WorkspaceID, id)
		}
		return err
	}
	return nil
}

// cancelTarget cancels a pending delivery removed from its post, and its
// job. ErrConflict when it started meanwhile.
func (s *Service) cancelTarget(ctx context.Context, c identity.Caller, d Delivery, now time.Time) error {
	x := d
	x.Status, x.LastError, x.UpdatedAt = StatusCancelled, "removed from the post by "+c.UserID, now
	ok, err := s.commit.Save(ctx, x)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: the post to %s started meanwhile; it can no longer be removed", ErrConflict, d.AccountID)
	}
	if err := s.cfg.Jobs.CancelJob(ctx, c.WorkspaceID, d.JobID); err != nil {
		// A running job finds the delivery cancelled and stops.
		s.log.Debug().Err(err).Str("job", d.JobID).Msg("publish: cancel job of a removed target")
	}
	return nil
}

func applyPatch(p *Post, patch Patch) {
	if patch.Text != nil {
		p.Content.Text = *patch.Text
	}
	if patch.Link != nil {
		p.Content.Link = *patch.Link
	}
	if patch.ImageURLs != nil {
		p.Content.ImageURLs = *patch.ImageURLs
	}
	if patch.VideoURL != nil {
		p.Content.VideoURL = *patch.VideoURL
	}
	if patch.Thread != nil {
		p.Content.Thread = *patch.Thread
	}
	if patch.Variants != nil {
		p.Variants = *patch.Variants
	}
}
