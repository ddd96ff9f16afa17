package analytics

import (
	"context"
	"fmt"
	"slices"

	"github.com/marketingminds/marketingminds/tools/accounts"
)

// AccountsDirectory lists accounts from tools/accounts' store, page by page
// (no token is opened: ValidToken does that per account).
func AccountsDirectory(st accounts.Store) Directory { return accountsDirectory{st} }

type accountsDirectory struct{ st accounts.Store }

const directoryPage = 500

func (d accountsDirectory) Accounts(ctx context.Context) ([]Account, error) {
	var out []Account
	after := ""
	for {
		page, err := d.st.Page(ctx, accounts.Social, after, directoryPage)
		if err != nil {
			return nil, fmt.Errorf("analytics: list accounts: %w", err)
		}
		for _, r := range page {
			after = r.ID
			out = append(out, Account{WorkspaceID: r.WorkspaceID, ID: r.ID, Platform: r.Platform, Status: string(r.Status), Reason: r.StatusReason})
		}
		if len(page) < directoryPage {
			return out, nil
		}
	}
}

func (d accountsDirectory) ZohoWorkspaces(ctx context.Context) ([]string, error) {
	var out []string
	after := ""
	for {
		page, err := d.st.Page(ctx, accounts.Zoho, after, directoryPage)
		if err != nil {
			return nil, fmt.Errorf("analytics: list Zoho grants: %w", err)
		}
		for _, r := range page {
			after = r.ID
			if r.Status != accounts.StatusDisconnected && !slices.Contains(out, r.WorkspaceID) {
				out = append(out, r.WorkspaceID)
			}
		}
		if len(page) < directoryPage {
			return out, nil
		}
	}
}
