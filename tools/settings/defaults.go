package settings

import (
	"context"
	"fmt"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// SetDefaultAccount makes accountID the workspace's default account for
// platform p ("" removes the default): where a post "to LinkedIn" goes when
// the workspace has several LinkedIn accounts. Editors may set it, as they
// may post. The caller (tools/publish) checks that the account is one of
// the workspace's accounts of p. The change is audited.
func (s *Service) SetDefaultAccount(ctx context.Context, c identity.Caller, p platform.Name, accountID string) (Settings, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Settings{}, err
	}
	if !social(p) {
		return Settings{}, &ValidationError{Problems: []Problem{{Field: "platform", Message: fmt.Sprintf("platform: %q is not a social platform (facebook, instagram, twitter, linkedin)", p)}}}
	}
	r, err := s.store.SetDefaultAccount(ctx, c.WorkspaceID, string(p), accountID, c.UserID, store.Trunc(s.now()))
	if err != nil {
		return Settings{}, fmt.Errorf("settings: set default %s account: %w", p, err)
	}
	out := settingsOf(c.WorkspaceID, r, true)
	if _, err := s.remember(out); err != nil {
		return Settings{}, err
	}
	if err := s.audit.Record(ctx, c, "settings.default_account", c.WorkspaceID, string(p)+"="+accountID); err != nil {
		s.log.Error().Err(err).Msg("settings: audit")
	}
	return out, nil
}

// DefaultAccount is workspaceID's default account for p, "" when none is
// set (cached like Lookup).
func (s *Service) DefaultAccount(ctx context.Context, workspaceID string, p platform.Name) (string, error) {
	e, err := s.entry(ctx, workspaceID)
	if err != nil {
		return "", err
	}
	return e.s.DefaultAccounts[string(p)], nil
}

func social(p platform.Name) bool {
	for _, n := range platform.Social {
		if n == p {
			return true
		}
	}
	return false
}
