package campaigns

import (
	"context"
	"errors"
	"fmt"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// token returns the workspace's Zoho grant, or ErrZohoUnavailable /
// ErrZohoNotConnected saying what to do.
func (s *Service) token(ctx context.Context, c identity.Caller) (zoho.Token, error) {
	if s.cfg.Zoho == nil {
		return zoho.Token{}, ErrZohoUnavailable
	}
	tok, err := s.cfg.Tokens.ZohoToken(ctx, c)
	switch {
	case err == nil:
		return tok, nil
	case errors.Is(err, accounts.ErrNotFound), errors.Is(err, accounts.ErrDisconnected):
		return zoho.Token{}, ErrZohoNotConnected
	case errors.Is(err, accounts.ErrNeedsReauth), platform.KindOf(err) == platform.KindAuth:
		return zoho.Token{}, fmt.Errorf("zoho's authorization ended, %w", ErrZohoNotConnected)
	}
	return zoho.Token{}, fmt.Errorf("campaigns: zoho token: %w", err)
}

// zohoError wraps a failed Zoho call; a refused token says to connect again.
func zohoError(op string, err error) error {
	if platform.KindOf(err) == platform.KindAuth {
		return fmt.Errorf("zoho refused the workspace's authorization (%s), %w", platform.Message(err), ErrZohoNotConnected)
	}
	return fmt.Errorf("campaigns: %s: %w", op, err)
}

// zohoCode is the Zoho error code of err, "" when it is not a Zoho answer.
func zohoCode(err error) string {
	var pe *platform.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
