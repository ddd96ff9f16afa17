package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// Idempotency errors.
var (
	// ErrKeyInProgress: a request with the same key is still running. The
	// caller answers 409 and the client retries later; it never waits
	// (a publish may take a minute) and never runs twice.
	ErrKeyInProgress = errors.New("publish: a request with this Idempotency-Key is still in progress")
	// ErrKeyReused: the key was first used for a different request.
	ErrKeyReused = errors.New("publish: this Idempotency-Key was used for a different request")
	// ErrBadKey: the key is empty or too long.
	ErrBadKey = errors.New("publish: an Idempotency-Key is 1 to 255 characters")
)

// KeyTTL is how long an Idempotency-Key's answer is kept (the cleanup job
// purges older ones through PurgeIdempotencyKeys).
const KeyTTL = 24 * time.Hour

// Idempotent runs fn once per (workspace, user, key): the first call runs it
// and stores its answer; a repeat (same fingerprint) gets that answer back
// with replayed true and runs nothing. Answers with status 500 and above are
// not kept, so a failed request can be retried with the same key.
func (s *Service) Idempotent(ctx context.Context, c identity.Caller, key, fingerprint string,
	fn func() (status int, body []byte)) (status int, body []byte, replayed bool, err error) {
	if key == "" || len(key) > 255 {
		return 0, nil, false, ErrBadKey
	}
	k := StoredKey{WorkspaceID: c.WorkspaceID, UserID: c.UserID, Key: key, Fingerprint: fingerprint, CreatedAt: s.now()}
	got, created, err := s.store.BeginKey(ctx, k)
	if err != nil {
		return 0, nil, false, err
	}
	if !created {
		switch {
		case got.Fingerprint != fingerprint:
			return 0, nil, false, ErrKeyReused
		case got.Status == 0:
			return 0, nil, false, ErrKeyInProgress
		}
		return got.Status, got.Body, true, nil
	}
	finished := false
	defer func() {
		if !finished { // fn panicked: free the key
			_ = s.store.DeleteKey(context.WithoutCancel(ctx), c.WorkspaceID, c.UserID, key)
		}
	}()
	status, body = fn()
	finished = true
	dctx := context.WithoutCancel(ctx)
	if status >= 500 {
		if err := s.store.DeleteKey(dctx, c.WorkspaceID, c.UserID, key); err != nil {
			return status, body, false, err
		}
		return status, body, false, nil
	}
	k.Status, k.Body = status, body
	if err := s.store.FinishKey(dctx, k); err != nil {
		return status, body, false, fmt.Errorf("publish: store the answer of Idempotency-Key: %w", err)
	}
	return status, body, false, nil
}

// PurgeIdempotencyKeys deletes keys older than KeyTTL (the weekly cleanup).
func (s *Service) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	return s.store.PurgeKeys(ctx, s.now().Add(-KeyTTL))
}
