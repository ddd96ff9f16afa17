package agents

import (
	"context"
	"fmt"
	"slices"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/memory"
)

type connectArgs struct {
	Platform string `json:"platform" jsonschema:"enum=facebook,enum=instagram,enum=twitter,enum=x,enum=linkedin,enum=zoho"`
}

type listAccountsArgs struct {
	Platform string `json:"platform,omitempty" jsonschema:"enum=facebook,enum=instagram,enum=twitter,enum=x,enum=linkedin,enum=zoho"`
}

type accountIDArgs struct {
	AccountID string `json:"account_id" jsonschema:"minLength=1"`
}

// ConnectResult is connect_account's answer: the link that connects an
// account of Platform.
type ConnectResult struct {
	Platform platform.Name `json:"platform"`
	AuthURL  string        `json:"auth_url"`
	Message  string        `json:"message"`
}

func accountTools(cp Capabilities) []Tool {
	find := func(ctx context.Context, c identity.Caller, id string) (accounts.Account, error) {
		all, err := cp.Accounts.List(ctx, c, "")
		if err != nil {
			return accounts.Account{}, known(err)
		}
		i := slices.IndexFunc(all, func(a accounts.Account) bool { return a.ID == id })
		if i < 0 {
			return accounts.Account{}, Say(accounts.ErrNotFound, "no account %q in this workspace; list_accounts gives the ids", id)
		}
		return all[i], nil
	}
	return []Tool{
		NewTool("connect_account", "Starts connecting a platform account: returns a link the person opens to grant access.",
			func(ctx context.Context, c identity.Caller, a connectArgs) (ConnectResult, error) {
				p, err := platformOf(a.Platform)
				if err != nil {
					return ConnectResult{}, err
				}
				u, err := cp.Accounts.Connect(ctx, c, p, accounts.ReturnTo{})
				if err != nil {
					return ConnectResult{}, known(err)
				}
				return ConnectResult{Platform: p, AuthURL: u, Message: fmt.Sprintf("Open this link to connect %s; the account appears once access is granted.", p.Label())}, nil
			}, Writes()),
		NewTool("list_accounts", "Lists the workspace's connected accounts (of one platform when given), with their account_id and status.",
			func(ctx context.Context, c identity.Caller, a listAccountsArgs) ([]accounts.Account, error) {
				var p platform.Name
				if a.Platform != "" {
					var err error
					if p, err = platformOf(a.Platform); err != nil {
						return nil, err
					}
				}
				out, err := cp.Accounts.List(ctx, c, p)
				return out, known(err)
			}, ReadOnly()),
		NewTool("disconnect_account", "Disconnects an account: its tokens are revoked and scheduled posts to it will fail. Needs approval.",
			func(ctx context.Context, c identity.Caller, a accountIDArgs) (accounts.Account, error) {
				out, err := cp.Accounts.Disconnect(ctx, c, a.AccountID)
				return out, known(err)
			}, Mutating(), Destructive(), Idempotent(), OpenWorld(), WithPreview(func(ctx context.Context, c identity.Caller, a accountIDArgs) (string, error) {
				acc, err := find(ctx, c, a.AccountID)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("Disconnect %s", describeAccount(acc)), nil
			})),
	}
}

type rememberArgs struct {
	Scope string `json:"scope" jsonschema:"enum=workspace,enum=user,description=workspace: the team's (brand voice audience products dos and don'ts); user: this person's preferences."`
	Key   string `json:"key" jsonschema:"minLength=1,maxLength=64,description=A topic such as brand_voice or audience; reusing one replaces the note."`
	Value string `json:"value" jsonschema:"minLength=1,maxLength=2000"`
}

type recallArgs struct {
	Scope string `json:"scope,omitempty" jsonschema:"enum=workspace,enum=user"`
	Query string `json:"query,omitempty"`
}

func memoryTools(cp Capabilities) []Tool {
	return []Tool{
		NewTool("remember", "Keeps a lasting note for every later conversation: the team's (scope workspace) or this person's (scope user).",
			func(ctx context.Context, c identity.Caller, a rememberArgs) (memory.Item, error) {
				it, err := cp.Memory.Remember(ctx, c, memory.Note{Scope: memory.Scope(a.Scope), Key: a.Key, Value: a.Value})
				return it, known(err)
			}, Writes(), Destructive(), Idempotent()), // the same key replaces the note
		NewTool("recall", "Finds remembered notes whose topic or text contains query (all when empty).",
			func(ctx context.Context, c identity.Caller, a recallArgs) ([]memory.Item, error) {
				items, err := cp.Memory.Recall(ctx, c, memory.Scope(a.Scope), a.Query)
				if err != nil {
					return nil, known(err)
				}
				if items == nil {
					items = []memory.Item{}
				}
				return items, nil
			}, ReadOnly()),
	}
}
