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

const directoryPage = 500

func (d accountsDirectory) Accounts(ctx context.Context) ([]Account, error) {
	var out []Account
	after := ""
	for {
		page, err := d.st.Page(ctx, accounts.Social, after, directoryPage)
		if err != nil {
			return nil, fmt.Errorf("inbox: list accounts: %w", err)
		}
		for _, r := range page {
			after = r.ID
			if r.Status == accounts.StatusConnected {
				out = append(out, Account{WorkspaceID: r.WorkspaceID, ID: r.ID, Platform: r.Platform, ExternalID: r.ExternalID})
			}
		}
		if len(page) < directoryPage {
			return out, nil
		}
	}
}
