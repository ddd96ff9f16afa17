package agents

import (
	"context"
	"errors"

	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Groups are the named account groups (*groups.Service).
type Groups interface {
	Save(ctx context.Context, c identity.Caller, name string, accountIDs []string) (groups.Group, error)
	List(ctx context.Context, c identity.Caller) ([]groups.Group, error)
	Delete(ctx context.Context, c identity.Caller, name string) (groups.Deleted, error)
}

type groupArgs struct {
	Name       string   `json:"name" jsonschema:"minLength=1,maxLength=80,description=The group's name, such as a brand: Acme Outdoor."`
	AccountIDs []string `json:"account_ids" jsonschema:"minItems=1,description=The accounts of the group (account_id from list_accounts)."`
}

type groupNameArgs struct {
	Name string `json:"name" jsonschema:"minLength=1,maxLength=80"`
}

// groupTools manage account groups; a post names a group in groups.
func groupTools(g Groups) []Tool {
	say := func(err error) error {
		if rf := (*groups.Refusal)(nil); errors.As(err, &rf) {
			return Say(err, "%s", rf.Words)
		}
		return known(err)
	}
	return []Tool{
		NewTool("list_account_groups", "Lists the workspace's account groups (a brand's accounts under one name) and their accounts.",
			func(ctx context.Context, c identity.Caller, _ struct{}) ([]groups.Group, error) {
				out, err := g.List(ctx, c)
				return out, say(err)
			}, ReadOnly()),
		NewTool("save_account_group", "Creates or replaces an account group: a name (a brand) and its accounts; posts may then go to the group by name.",
			func(ctx context.Context, c identity.Caller, a groupArgs) (groups.Group, error) {
				out, err := g.Save(ctx, c, a.Name, a.AccountIDs)
				return out, say(err)
			}, Writes(), Idempotent()),
		NewTool("delete_account_group", "Deletes an account group (the accounts stay connected).",
			func(ctx context.Context, c identity.Caller, a groupNameArgs) (groups.Deleted, error) {
				out, err := g.Delete(ctx, c, a.Name)
				return out, say(err)
			}, Writes(), Destructive()),
	}
}
