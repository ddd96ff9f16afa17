package publish

import (
	"context"
	"errors"
	"fmt"

	connected "github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// AccountsOf is tools/accounts as publishing sees it: deliveries run as the
// system on behalf of the post's workspace.
func AccountsOf(svc *connected.Service) Accounts { return accountsOf{svc} }

type accountsOf struct{ svc *connected.Service }

func system(workspaceID string) identity.Caller {
	return identity.Caller{WorkspaceID: workspaceID, UserID: "system", Role: identity.Admin, Door: identity.DoorSystem}
}

func (p accountsOf) Account(ctx context.Context, workspaceID, accountID string) (Account, error) {
	a, err := p.svc.Get(ctx, system(workspaceID), accountID)
	if errors.Is(err, connected.ErrNotFound) {
		return Account{}, fmt.Errorf("%w: %s", ErrUnknownAccount, accountID)
	}
	if err != nil {
		return Account{}, err
	}
	return Account{
		ID: a.ID, WorkspaceID: workspaceID, Platform: a.Platform, ExternalID: a.ExternalID, Name: a.AccountName,
		Connected: a.Status == connected.StatusConnected, Problem: a.StatusReason,
	}, nil
}

func (p accountsOf) Token(ctx context.Context, workspaceID, accountID string) (string, error) {
	t, err := p.svc.ValidToken(ctx, system(workspaceID), accountID)
	return t.AccessToken, err
}

func (p accountsOf) RefreshToken(ctx context.Context, workspaceID, accountID, refused string) (string, error) {
	t, err := p.svc.ForceRefresh(ctx, system(workspaceID), accountID, refused)
	return t.AccessToken, err
}
