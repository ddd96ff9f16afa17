package agents

import (
	"context"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// DefaultAccounts reads and sets each platform's default account (*publish.Resolver).
type DefaultAccounts interface {
	Defaults(ctx context.Context, c identity.Caller) ([]publish.DefaultAccount, error)
	SetDefault(ctx context.Context, c identity.Caller, p platform.Name, account string) (publish.Target, error)
}

type defaultArgs struct {
	Platform string `json:"platform,omitempty" jsonschema:"description=facebook instagram x or linkedin; without it every platform's default is listed."`
	Account  string `json:"account,omitempty" jsonschema:"description=The account to make the platform's default: its name (Acme Outdoor) or account_id."`
	Clear    bool   `json:"clear,omitempty" jsonschema:"description=Remove the platform's default: posts to it ask which account again."`
}

// defaultTools offers the default accounts: what "post to LinkedIn" means
// when the workspace has several LinkedIn accounts.
func defaultTools(d DefaultAccounts) []Tool {
	return []Tool{
		NewTool("default_account", "Lists each platform's default account, or sets or clears one: where a post to a platform with several accounts goes without asking.",
			func(ctx context.Context, c identity.Caller, a defaultArgs) ([]publish.DefaultAccount, error) {
				if a.Platform != "" && (a.Account != "" || a.Clear) {
					p, err := platformOf(a.Platform)
					if err != nil {
						return nil, err
					}
					account := a.Account
					if a.Clear {
						account = ""
					}
					if _, err := d.SetDefault(ctx, c, p, account); err != nil {
						return nil, known(err)
					}
				}
				all, err := d.Defaults(ctx, c)
				if err != nil || a.Platform == "" {
					return all, known(err)
				}
				p, err := platformOf(a.Platform)
				if err != nil {
					return nil, err
				}
				for _, x := range all {
					if x.Platform == p {
						return []publish.DefaultAccount{x}, nil
					}
				}
				return []publish.DefaultAccount{{Platform: p}}, nil
			}, Writes(), Idempotent()),
	}
}
