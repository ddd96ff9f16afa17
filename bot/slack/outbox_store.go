package slack

import (
	"context"
	"time"
)

// Outgoing is an outcome claimed to be told: the post whose outcome it is,
// as the outbox holds it when claimed.
type Outgoing struct {
	WorkspaceID string
	PostID      string
	Seq         int64  // the outcomes queued so far: Finish leaves a newer one pending
	ToldKey     string // the final state told last ("": none)
	Attempts    int
}

// Outbox keeps the job outcomes to tell in Slack (collection slack_outbox):
// one record per post, so several outcomes of a post waiting are told in
// one message, each claimed by one replica at a time under a lease.
type Outbox interface {
	// QueueOutcome records that post postID of workspaceID has an outcome
	// to tell, due at once unless a retry of it is already waiting.
	QueueOutcome(ctx context.Context, workspaceID, postID string, now time.Time) error
	// ClaimOutcomes leases up to limit due outcomes (not told, next attempt
	// due, no live lease) to owner until now+lease: no other owner gets
	// them meanwhile, on this replica or another.
	ClaimOutcomes(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Outgoing, error)
	// FinishOutcome ends o's lease: told (toldKey recorded unless "") or
	// given up. An outcome queued since the claim stays due.
	FinishOutcome(ctx context.Context, o Outgoing, toldKey string, now time.Time) error
	// RetryOutcome ends o's lease and makes it due again at at; count adds
	// to its attempts (0: a postponement, not a failure).
	RetryOutcome(ctx context.Context, o Outgoing, at time.Time, count int) error
	// MarkTold records that the post's final state key was shown already
	// (by a button's own message): it is not told again.
	MarkTold(ctx context.Context, workspaceID, postID, key string, now time.Time) error
}
