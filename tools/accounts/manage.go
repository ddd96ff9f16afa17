package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// find reads id of the caller's workspace among social accounts, then Zoho.
func (s *Service) find(ctx context.Context, workspaceID, id string) (Collection, Record, error) {
	for _, coll := range []Collection{Social, Zoho} {
		r, err := s.store.Get(ctx, coll, workspaceID, id)
		if err == nil {
			return coll, r, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return "", Record{}, fmt.Errorf("accounts: read account: %w", err)
		}
	}
	return "", Record{}, ErrNotFound
}

// Disconnect revokes the account's grant at the platform where the API
// allows (and no other connected account of the workspace shares it),
// deletes its tokens and marks it disconnected; its post history stays.
// Editors and admins only. Another workspace's id is ErrNotFound.
func (s *Service) Disconnect(ctx context.Context, c identity.Caller, id string) (Account, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Account{}, err
	}
	coll, rec, err := s.find(ctx, c.WorkspaceID, id)
	if err != nil {
		return Account{}, err
	}
	if rec.Status == StatusDisconnected {
		return rec.account(), nil
	}
	detail := rec.label()
	if rerr := s.revoke(ctx, coll, rec); rerr != nil {
		s.log.Warn().Err(rerr).Str("account", rec.ID).Msg("accounts: revoke at the platform failed; tokens deleted here anyway")
		detail += " (revocation at the platform failed: " + platform.Message(rerr) + ")"
	}
	now := store.Trunc(s.now())
	if err := s.store.Disconnect(ctx, coll, rec.ID, now); err != nil {
		return Account{}, fmt.Errorf("accounts: disconnect: %w", err)
	}
	s.forget(rec.ID)
	s.record(ctx, c, "account.disconnect", rec.ID, detail)
	rec.Status, rec.Tokens = StatusDisconnected, Sealed{}
	s.events.Publish(ctx, Event{Kind: EventDisconnected, WorkspaceID: c.WorkspaceID, UserID: c.UserID, Platform: rec.Platform,
		Accounts: []Account{rec.account()}, At: now})
	return rec.account(), nil
}

// revoke ends the grant at the platform unless other accounts still use it.
func (s *Service) revoke(ctx context.Context, coll Collection, rec Record) error {
	if rec.Grant != "" {
		n, err := s.store.CountGrant(ctx, coll, rec.WorkspaceID, rec.Grant, rec.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			return nil // the Page's siblings still post with this grant
		}
	}
	access, refresh, err := s.open(coll, rec)
	if err != nil {
		return err
	}
	if rec.Platform == platform.Zoho {
		if refresh == "" {
			return nil
		}
		return s.zoho.RevokeAt(ctx, rec.AccountsServer, refresh)
	}
	prov := s.providers[rec.Platform]
	if prov == nil {
		return nil
	}
	var toks []string
	switch {
	case rec.Derived: // Facebook/Instagram: the user token ends every Page token
		toks = []string{refresh}
	case rec.Platform == platform.Twitter: // X: the refresh token, then the access token
		toks = []string{refresh, access}
	default:
		toks = []string{access}
	}
	var errs []error
	for _, t := range toks {
		if t != "" {
			errs = append(errs, prov.Revoke(ctx, t))
		}
	}
	return errors.Join(errs...)
}

// TokenState is one grant's token health.
type TokenState struct {
	AccountID    string        `json:"account_id"`
	Platform     platform.Name `json:"platform"`
	AccountName  string        `json:"account_name"`
	Handle       string        `json:"handle,omitempty"`
	Status       string        `json:"status"` // valid, expiring, expired, needs_reauth
	ExpiresAt    *time.Time    `json:"expires_at"`
	AutoRefresh  bool          `json:"auto_refresh"` // a refresh token is held
	Reason       string        `json:"reason,omitempty"`
	LastFailure  *time.Time    `json:"last_refresh_failure,omitempty"`
	RefreshError string        `json:"refresh_error,omitempty"`
}

// TokenStatus lists the token health of every connected account of the
// workspace, Zoho included; any role.
func (s *Service) TokenStatus(ctx context.Context, c identity.Caller) ([]TokenState, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	now := s.now()
	var out []TokenState
	for _, coll := range []Collection{Social, Zoho} {
		recs, err := s.store.List(ctx, coll, c.WorkspaceID, "")
		if err != nil {
			return nil, fmt.Errorf("accounts: token status: %w", err)
		}
		for _, r := range recs {
			if r.Status == StatusDisconnected {
				continue
			}
			ts := TokenState{AccountID: r.ID, Platform: r.Platform, AccountName: r.Name, Handle: r.Handle,
				AutoRefresh: r.Tokens.Refresh != "", RefreshError: r.RefreshError, Status: "valid"}
			if !r.Tokens.Expiry.IsZero() {
				t := r.Tokens.Expiry
				ts.ExpiresAt = &t
			}
			if !r.RefreshFailedAt.IsZero() {
				t := r.RefreshFailedAt
				ts.LastFailure = &t
			}
			// A token that refreshes by itself needs nobody's attention
			// however short its life; it does once a refresh failed since
			// it was obtained, or when it cannot be refreshed at all.
			failed := !r.RefreshFailedAt.IsZero() && !r.RefreshFailedAt.Before(r.Tokens.ObtainedAt)
			attention := failed || r.Tokens.Refresh == ""
			switch {
			case r.Status == StatusNeedsReauth:
				ts.Status, ts.Reason = "needs_reauth", r.StatusReason
			case r.Tokens.Expiry.IsZero() || !attention:
			case !now.Before(r.Tokens.Expiry):
				ts.Status = "expired"
			case failed || s.due(r.Tokens, now, s.cfg.ExpiringWindow):
				ts.Status = "expiring"
			}
			out = append(out, ts)
		}
	}
	return out, nil
}

// RefreshReport counts what RefreshExpiring did.
type RefreshReport struct {
	Checked     int `json:"checked"`
	Refreshed   int `json:"refreshed"`
	Failed      int `json:"failed"`
	NeedsReauth int `json:"needs_reauth"`
}

// RefreshExpiring refreshes every connected account of the caller's
// workspace (Zoho included) whose token expires within the window.
// Editors and admins only.
func (s *Service) RefreshExpiring(ctx context.Context, c identity.Caller, within time.Duration) (RefreshReport, error) {
	if err := c.Require(identity.Editor); err != nil {
		return RefreshReport{}, err
	}
	return s.refreshExpiring(ctx, c.WorkspaceID, within)
}

// RefreshAll is RefreshExpiring across every workspace: the recurring job's
// entry point (door system).
func (s *Service) RefreshAll(ctx context.Context, within time.Duration) (RefreshReport, error) {
	return s.refreshExpiring(ctx, "", within)
}

func (s *Service) refreshExpiring(ctx context.Context, workspaceID string, within time.Duration) (RefreshReport, error) {
	var rep RefreshReport
	before := s.now().Add(within)
	for _, coll := range []Collection{Social, Zoho} {
		recs, err := s.store.Expiring(ctx, coll, workspaceID, before)
		if err != nil {
			return rep, fmt.Errorf("accounts: refresh expiring: %w", err)
		}
		for _, r := range recs {
			rep.Checked++
			c := identity.Caller{WorkspaceID: r.WorkspaceID, Door: identity.DoorSystem, Role: identity.Editor}
			_, err := s.refresh(ctx, c, coll, r, within, false)
			switch {
			case err == nil:
				rep.Refreshed++
			case errors.Is(err, ErrNeedsReauth):
				rep.NeedsReauth++
			case ctx.Err() != nil:
				return rep, ctx.Err()
			default:
				rep.Failed++
			}
		}
	}
	return rep, nil
}

// Reseal re-encrypts every token sealed with an older key under the
// vault's current key (`marketingminds keys rotate`), record by record,
// never overwriting a token another process changed meanwhile. It returns
// how many records it re-encrypted.
func Reseal(ctx context.Context, db *store.DB, vault *oauth.Vault) (int, error) {
	st := NewStore(db)
	n := 0
	for _, coll := range []Collection{Social, Zoho} {
		after := ""
		for {
			page, err := st.Page(ctx, coll, after, 200)
			if err != nil {
				return n, fmt.Errorf("accounts: reseal: %w", err)
			}
			for _, r := range page {
				after = r.ID
				if vault.Current(r.Tokens.Access) && vault.Current(r.Tokens.Refresh) {
					continue
				}
				next := r.Tokens
				if next.Access, err = vault.Reseal(r.Tokens.Access, aad(coll, r, "access_token")); err != nil {
					return n, fmt.Errorf("accounts: reseal %s: %w", r.ID, err)
				}
				if next.Refresh, err = vault.Reseal(r.Tokens.Refresh, aad(coll, r, "refresh_token")); err != nil {
					return n, fmt.Errorf("accounts: reseal %s: %w", r.ID, err)
				}
				ok, err := st.ReplaceCiphers(ctx, coll, r.ID, r.Tokens, next)
				if err != nil {
					return n, fmt.Errorf("accounts: reseal %s: %w", r.ID, err)
				}
				if ok {
					n++
				}
			}
			if len(page) < 200 {
				break
			}
		}
	}
	return n, nil
}
