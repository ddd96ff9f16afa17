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

func (d accountsDirectory) Accounts(ctx context.Context) ([]Account, error) {
	var out []Account
	err := accounts.Each(ctx, d.st, accounts.Social, func(r accounts.Record) {
		out = append(out, Account{WorkspaceID: r.WorkspaceID, ID: r.ID, Platform: r.Platform, Status: string(r.Status), Reason: r.StatusReason})
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	return out, nil
}

func (d accountsDirectory) ZohoWorkspaces(ctx context.Context) ([]string, error) {
	var out []string
	err := accounts.Each(ctx, d.st, accounts.Zoho, func(r accounts.Record) {
		if r.Status != accounts.StatusDisconnected && !slices.Contains(out, r.WorkspaceID) {
			out = append(out, r.WorkspaceID)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	return out, nil
}
