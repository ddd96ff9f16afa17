package accounts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// RefreshJobKind is the scheduler kind of one token's refresh, due its
// refresh margin before the token expires. The 6-hourly sweep
// (RefreshAll) stays as the safety net behind it.
const RefreshJobKind = "account.token_refresh"

// Jobs schedules work (*schedule.Scheduler).
type Jobs interface {
	Enqueue(ctx context.Context, jobs ...schedule.NewJob) ([]string, error)
}

type refreshArgs struct {
	Collection Collection `json:"collection"`
	AccountID  string     `json:"account_id"`
}

// Register registers the per-token refresh kind with the scheduler's
// registry (the jobs themselves are planned through Deps.Jobs).
func (s *Service) Register(reg *schedule.Registry) error {
	return reg.Register(RefreshJobKind, s.handleRefreshJob, schedule.KindOptions{
		MaxAttempts: 6,
		Timeout:     time.Minute,
		// Within the margin before expiry: 15 s, 30 s, 1 min, 2 min, 4 min.
		Backoff: func(attempt int) time.Duration { return 15 * time.Second << min(max(attempt-1, 0), 4) },
	})
}

// scheduleRefresh plans r's next refresh at its expiry less its margin.
// Nothing is planned for a token that does not expire or cannot be
// refreshed. Planning is best effort: the sweep and use refresh anyway.
func (s *Service) scheduleRefresh(ctx context.Context, coll Collection, r Record) {
	if s.jobs == nil || r.Tokens.Expiry.IsZero() || r.Tokens.Refresh == "" {
		return
	}
	at := r.Tokens.Expiry.Add(-s.margin(r.Tokens))
	_, err := s.jobs.Enqueue(ctx, schedule.NewJob{WorkspaceID: r.WorkspaceID, Kind: RefreshJobKind, RunAt: at,
		Args:      refreshArgs{Collection: coll, AccountID: r.ID},
		UniqueKey: r.ID + ":" + strconv.FormatInt(r.Tokens.Expiry.Unix(), 10), CreatedBy: "system"})
	if err != nil {
		s.log.Warn().Err(err).Str("account", r.ID).Time("at", at).Msg("accounts: plan token refresh (the sweep will refresh it)")
	}
}

// handleRefreshJob refreshes one token if it is still the one the job was
// planned for; a transient failure is retried by the scheduler (and shows
// in TokenStatus at once), a refused one marks the account needs_reauth.
func (s *Service) handleRefreshJob(ctx context.Context, job *schedule.Job) error {
	var a refreshArgs
	if err := job.DecodeArgs(&a); err != nil || a.AccountID == "" || (a.Collection != Social && a.Collection != Zoho) {
		return schedule.Permanent(fmt.Errorf("accounts: refresh job %s: bad arguments: %v", job.ID, err))
	}
	rec, err := s.store.Get(ctx, a.Collection, job.WorkspaceID, a.AccountID)
	if errors.Is(err, ErrNotFound) {
		return nil // disconnected and removed since
	}
	if err != nil {
		return fmt.Errorf("accounts: refresh job %s: %w", job.ID, err)
	}
	if rec.Status != StatusConnected {
		return nil
	}
	c := identity.Caller{WorkspaceID: rec.WorkspaceID, Door: identity.DoorSystem, Role: identity.Editor}
	_, err = s.refresh(ctx, c, a.Collection, rec, s.margin(rec.Tokens), false)
	if errors.Is(err, ErrNeedsReauth) || errors.Is(err, ErrDisconnected) {
		return schedule.Permanent(err)
	}
	return err
}
