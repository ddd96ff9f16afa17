package inbox

import (
	"context"
	"fmt"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
)

// Account is a connected account as the poll and the webhooks see it.
type Account struct {
	WorkspaceID string
	ID          string
	Platform    platform.Name
	ExternalID  string
}

// Directory lists the connected social accounts of every workspace.
type Directory interface {
	Accounts(ctx context.Context) ([]Account, error)
}

// AccountsDirectory reads tools/accounts' store page by page.
func AccountsDirectory(st accounts.Store) Directory { return accountsDirectory{st} }

type accountsDirectory struct{ st accounts.Store }

func (d accountsDirectory) Accounts(ctx context.Context) ([]Account, error) {
	var out []Account
	err := accounts.Each(ctx, d.st, accounts.Social, func(r accounts.Record) {
		if r.Status == accounts.StatusConnected {
			out = append(out, Account{WorkspaceID: r.WorkspaceID, ID: r.ID, Platform: r.Platform, ExternalID: r.ExternalID})
		}
	})
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	return out, nil
}
