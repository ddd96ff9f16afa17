package slack

import (
	"context"
	"time"
)

// PostRef names a post of a workspace.
type PostRef struct{ WorkspaceID, PostID string }

// Outgoing is an outcome claimed to be told: the post whose outcome it is,
// as the outbox holds it when claimed.
type Outgoing struct {
	WorkspaceID string
	PostID      string
	Seq         int64  // the outcomes queued so far: Finish leaves a newer one pending
	ToldKey     string // the final state told last ("": none)
	Attempts    int
}

// Finished is a claimed outcome told (ToldKey: the final state told) or
// given up (ToldKey "").
type Finished struct {
	Outgoing
	ToldKey string
}

// Outbox keeps the job outcomes to tell in Slack (collection slack_outbox):
// one record per post, so several outcomes of a post waiting are told in
// one message, each claimed by one replica at a time under a lease.
type Outbox interface {
	// QueueOutcomes records, in one transaction (bulk write), that each post
	// has an outcome to tell, due at once unless a retry of it is waiting.
	QueueOutcomes(ctx context.Context, posts []PostRef, now time.Time) error
	// ClaimOutcomes leases up to limit due outcomes (not told, next attempt
	// due, no live lease) to owner until now+lease: no other owner gets
	// them meanwhile, on this replica or another.
	ClaimOutcomes(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Outgoing, error)
	// FinishOutcomes ends the leases of outcomes, in one transaction (bulk
	// write): told (ToldKey recorded unless "") or given up. An outcome
	// queued since its claim stays due.
	FinishOutcomes(ctx context.Context, done []Finished, now time.Time) error
	// RetryOutcome ends o's lease and makes it due again at at; count adds
	// to its attempts (0: a postponement, not a failure).
	RetryOutcome(ctx context.Context, o Outgoing, at time.Time, count int) error
	// ToldKey is the final state of the post told last ("": none).
	ToldKey(ctx context.Context, workspaceID, postID string) (string, error)
	// MarkTold records that the post's final state key was shown already
	// (by a button's own message): it is not told again.
	MarkTold(ctx context.Context, workspaceID, postID, key string, now time.Time) error
}
