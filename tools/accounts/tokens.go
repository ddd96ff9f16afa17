package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// cacheEntry is ValidToken's in-memory copy of an open access token. It
// answers only while the token is outside its refresh margin (so no replica
// ever needs to refresh what it holds) and for at most CacheTTL after it was
// read from the store (so a reconnect, a disconnect or a needs_reauth written
// by another replica is seen within that bound).
type cacheEntry struct {
	workspace string
	target    platform.Target
	until     time.Time // min(read + CacheTTL, expiry - margin)
}

func (s *Service) forget(id string) {
	s.mu.Lock()
	delete(s.cache, id)
	s.mu.Unlock()
}

// Invalidate drops the in-memory copy of id's token; a caller whose call
// the platform rejected as unauthorized calls it before asking again, so
// the next ValidToken reads the store (and refreshes when due).
func (s *Service) Invalidate(id string) { s.forget(id) }

// margin is how long before expiry a token is refreshed: RefreshMargin, or
// half the token's lifetime when that is shorter (short-lived tokens).
func (s *Service) margin(t Sealed) time.Duration {
	m := s.cfg.RefreshMargin
	if !t.ObtainedAt.IsZero() && !t.Expiry.IsZero() {
		if half := t.Expiry.Sub(t.ObtainedAt) / 2; half < m {
			m = half
		}
	}
	return m
}

// due reports whether t must be refreshed at now (expires within margin).
func (s *Service) due(t Sealed, now time.Time, within time.Duration) bool {
	return !t.Expiry.IsZero() && !now.Before(t.Expiry.Add(-within))
}

// ValidToken returns a usable access token for the account id of the
// caller's workspace, refreshing it first when it expires within the
// refresh margin. Any role may ask (publishing checks its own role). A
// rejected refresh marks the account needs_reauth (ErrNeedsReauth); a
// transient failure returns the old token while it is still valid.
func (s *Service) ValidToken(ctx context.Context, c identity.Caller, id string) (platform.Target, error) {
	now := s.now()
	s.mu.RLock()
	e, ok := s.cache[id]
	s.mu.RUnlock()
	if ok && e.workspace == c.WorkspaceID && now.Before(e.until) {
		return e.target, nil
	}
	return s.validToken(ctx, c, id)
}

func (s *Service) validToken(ctx context.Context, c identity.Caller, id string) (platform.Target, error) {
	rec, err := s.store.Get(ctx, Social, c.WorkspaceID, id)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return platform.Target{}, err
		}
		return platform.Target{}, fmt.Errorf("accounts: read account: %w", err)
	}
	rec, access, err := s.usable(ctx, c, Social, rec)
	if err != nil {
		return platform.Target{}, err
	}
	t := platform.Target{ExternalID: rec.ExternalID, AccessToken: access}
	now := s.now()
	until := now.Add(s.cfg.CacheTTL)
	if !rec.Tokens.Expiry.IsZero() {
		if refreshAt := rec.Tokens.Expiry.Add(-s.margin(rec.Tokens)); refreshAt.Before(until) {
			until = refreshAt
		}
	}
	if now.Before(until) {
		s.mu.Lock()
		s.cache[id] = cacheEntry{workspace: c.WorkspaceID, target: t, until: until}
		s.mu.Unlock()
	}
	return t, nil
}

// usable returns rec (re-read if refreshed) and its open access token,
// refreshing when due.
func (s *Service) usable(ctx context.Context, c identity.Caller, coll Collection, rec Record) (Record, string, error) {
	switch rec.Status {
	case StatusDisconnected:
		return Record{}, "", fmt.Errorf("accounts: %s: %w", rec.label(), ErrDisconnected)
	case StatusNeedsReauth:
		return Record{}, "", fmt.Errorf("accounts: %s: %w (%s)", rec.label(), ErrNeedsReauth, rec.StatusReason)
	}
	now := s.now()
	// After a transient failure, retry at most every RetryPause while the
	// current token still works.
	backoff := !rec.RefreshFailedAt.IsZero() && now.Sub(rec.RefreshFailedAt) < RetryPause && now.Before(rec.Tokens.Expiry)
	if !backoff && s.due(rec.Tokens, now, s.margin(rec.Tokens)) {
		fresh, err := s.refresh(ctx, c, coll, rec, s.margin(rec.Tokens), false)
		switch {
		case err == nil:
			rec = fresh
		case errors.Is(err, ErrNeedsReauth) || errors.Is(err, ErrDisconnected) || !now.Before(rec.Tokens.Expiry):
			return Record{}, "", err
		default:
			// Transient: the old token still works for a while.
			s.log.Warn().Err(err).Str("account", rec.ID).Msg("accounts: refresh failed; using the current token")
		}
	}
	access, _, err := s.open(coll, rec)
	if err != nil {
		return Record{}, "", err
	}
	return rec, access, nil
}

// RetryPause is the least time between two refresh attempts of a grant
// after a transient failure, while its token still works.
const RetryPause = 30 * time.Second

// ForceRefresh replaces refused, an access token the platform refused (HTTP
// 401, Graph code 190) although its record calls it valid, and returns the
// usable token afterwards. Only the refused token is replaced: callers that
// all saw the same refusal, on any replica, cause one refresh.
func (s *Service) ForceRefresh(ctx context.Context, c identity.Caller, id, refused string) (platform.Target, error) {
	s.forget(id)
	rec, err := s.store.Get(ctx, Social, c.WorkspaceID, id)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return platform.Target{}, err
		}
		return platform.Target{}, fmt.Errorf("accounts: read account: %w", err)
	}
	if rec.Status == StatusConnected {
		access, _, err := s.open(Social, rec)
		if err != nil {
			return platform.Target{}, err
		}
		if access == refused {
			if _, err := s.refresh(ctx, c, Social, rec, 0, true); err != nil {
				return platform.Target{}, err
			}
		}
	}
	return s.validToken(ctx, c, id)
}

// refresh refreshes rec's grant once across goroutines and replicas and
// returns the record as it stands after (refreshed by us or another).
// With force, it refreshes even a token that is not due (the platform
// refused it), unless the record changed since rec was read.
func (s *Service) refresh(ctx context.Context, c identity.Caller, coll Collection, rec Record, within time.Duration, force bool) (Record, error) {
	var latest Record
	read := func(ctx context.Context) (bool, error) {
		cur, err := s.store.Get(ctx, coll, rec.WorkspaceID, rec.ID)
		if err != nil {
			return false, fmt.Errorf("accounts: read account: %w", err)
		}
		latest = cur
		changed := cur.Version != rec.Version || cur.Status != StatusConnected
		return changed || (!force && !s.due(cur.Tokens, s.now(), within)), nil
	}
	err := s.flight.Do(ctx, rec.ID, read, func(ctx context.Context) error { return s.doRefresh(ctx, c, coll, latest) })
	if err != nil {
		return Record{}, err
	}
	if _, err := read(ctx); err != nil {
		return Record{}, err
	}
	switch latest.Status {
	case StatusNeedsReauth:
		return Record{}, fmt.Errorf("accounts: %s: %w (%s)", latest.label(), ErrNeedsReauth, latest.StatusReason)
	case StatusDisconnected:
		return Record{}, fmt.Errorf("accounts: %s: %w", latest.label(), ErrDisconnected)
	}
	return latest, nil
}

// doRefresh runs under the lease with rec freshly read.
func (s *Service) doRefresh(ctx context.Context, c identity.Caller, coll Collection, rec Record) error {
	_, refresh, err := s.open(coll, rec)
	if err != nil {
		return err
	}
	now := store.Trunc(s.now())
	if refresh == "" {
		if !now.Before(rec.Tokens.Expiry) {
			return s.rejected(ctx, c, coll, rec, "the access token expired and "+rec.Platform.Label()+" gave no refresh token")
		}
		return fmt.Errorf("accounts: %s: no refresh token; it will need connecting again when the token expires", rec.label())
	}
	newAccess, newRefresh, expiry, err := s.callRefresh(ctx, rec, refresh)
	if err != nil {
		if platform.KindOf(err) == platform.KindAuth {
			return s.rejected(ctx, c, coll, rec, platform.Message(err))
		}
		msg := platform.Message(err)
		if nerr := s.store.NoteRefreshFailure(ctx, coll, rec.ID, msg, now); nerr != nil {
			s.log.Error().Err(nerr).Str("account", rec.ID).Msg("accounts: note refresh failure")
		}
		s.record(ctx, c, "account.refresh_failed", rec.ID, rec.label()+": "+msg+" (temporary; the current token is kept and refresh retried)")
		return fmt.Errorf("accounts: refresh %s: %w", rec.label(), err)
	}
	if newRefresh == "" {
		newRefresh = refresh // the platform did not rotate it
	}
	t := Sealed{Expiry: store.Trunc(expiry), ObtainedAt: now}
	if t.Access, t.Refresh, err = s.seal(coll, rec, newAccess, newRefresh); err != nil {
		return err
	}
	// Detached: the platform already rotated the refresh token; losing this
	// write would lose the grant.
	ok, err := s.store.SaveTokens(context.WithoutCancel(ctx), coll, rec.ID, rec.Version, t, now)
	if err != nil {
		return fmt.Errorf("accounts: save refreshed token of %s: %w", rec.label(), err)
	}
	if !ok {
		s.log.Warn().Str("account", rec.ID).Msg("accounts: account changed during refresh (reconnected or disconnected); refreshed token dropped")
	} else {
		rec.Tokens = t
		s.scheduleRefresh(context.WithoutCancel(ctx), coll, rec)
	}
	s.forget(rec.ID)
	return nil
}

// callRefresh asks the platform for a new token.
func (s *Service) callRefresh(ctx context.Context, rec Record, refresh string) (access, newRefresh string, expiry time.Time, err error) {
	if rec.Platform == platform.Zoho {
		tok, err := s.zoho.RefreshAt(ctx, rec.AccountsServer, refresh)
		return tok.AccessToken, tok.RefreshToken, tok.Expiry, err
	}
	prov := s.providers[rec.Platform]
	if prov == nil {
		return "", "", time.Time{}, &platform.Error{Platform: rec.Platform, Op: "refresh token", Kind: platform.KindTransient,
			Message: "this server has no credentials for " + rec.Platform.Label()}
	}
	tok, err := prov.Refresh(ctx, refresh)
	if err != nil {
		return "", "", time.Time{}, err
	}
	if !rec.Derived {
		return tok.AccessToken, tok.RefreshToken, tok.Expiry, nil
	}
	// A Page's own token comes from the refreshed user grant.
	accts, err := prov.Accounts(ctx, tok)
	if err != nil {
		return "", "", time.Time{}, err
	}
	for _, a := range accts {
		if a.ExternalID == rec.ExternalID && a.AccessToken != "" {
			return a.AccessToken, tok.RefreshToken, a.TokenExpiry, nil
		}
	}
	return "", "", time.Time{}, &platform.Error{Platform: rec.Platform, Op: "refresh token", Kind: platform.KindAuth,
		Message: "the grant no longer reaches " + rec.Name}
}

// rejected marks rec needs_reauth, records and announces it.
func (s *Service) rejected(ctx context.Context, c identity.Caller, coll Collection, rec Record, reason string) error {
	ctx = context.WithoutCancel(ctx)
	now := store.Trunc(s.now())
	if err := s.store.MarkNeedsReauth(ctx, coll, rec.ID, reason, now); err != nil {
		return fmt.Errorf("accounts: mark %s needs_reauth: %w", rec.label(), err)
	}
	s.forget(rec.ID)
	s.record(ctx, c, "account.refresh_failed", rec.ID, rec.label()+": "+reason+" (needs re-authorization)")
	rec.Status, rec.StatusReason = StatusNeedsReauth, reason
	s.events.Publish(ctx, Event{Kind: EventNeedsReauth, WorkspaceID: rec.WorkspaceID, Platform: rec.Platform,
		Accounts: []Account{rec.account()}, Reason: reason, At: now})
	return nil
}

// ZohoToken returns the workspace's usable Zoho grant, refreshed when due
// at the accounts server of its data center.
func (s *Service) ZohoToken(ctx context.Context, c identity.Caller) (zoho.Token, error) {
	recs, err := s.store.List(ctx, Zoho, c.WorkspaceID, "")
	if err != nil {
		return zoho.Token{}, fmt.Errorf("accounts: read Zoho grant: %w", err)
	}
	if len(recs) == 0 {
		return zoho.Token{}, fmt.Errorf("accounts: Zoho: %w", ErrNotFound)
	}
	rec, access, err := s.usable(ctx, c, Zoho, recs[0])
	if err != nil {
		return zoho.Token{}, err
	}
	return zohoToken(rec, access, ""), nil
}
