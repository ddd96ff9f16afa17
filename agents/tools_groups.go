package agents

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Groups are the named account groups (*groups.Service).
type Groups interface {
	Save(ctx context.Context, c identity.Caller, name string, accountIDs []string) (groups.Group, error)
	List(ctx context.Context, c identity.Caller) ([]groups.Group, error)
	Delete(ctx context.Context, c identity.Caller, name string) (groups.Deleted, error)
}

type groupArgs struct {
	Name       string   `json:"name" jsonschema:"minLength=1,maxLength=80,description=The group's name, such as a brand: Acme Outdoor."`
	AccountIDs []string `json:"account_ids,omitempty" jsonschema:"description=The accounts of the group (account_id from list_accounts)."`
	Accounts   []string `json:"accounts,omitempty" jsonschema:"description=Or the accounts as people name them: a platform (x) or a platform and the account's name (facebook Acme Coffee)."`
}

type groupNameArgs struct {
	Name string `json:"name" jsonschema:"minLength=1,maxLength=80"`
}

// groupTools manage account groups; a post names a group in groups.
// Accounts named in words are read by t (tools/publish's resolver), as
// `/mm group save` reads them; t may be nil.
func groupTools(g Groups, t Targets) []Tool {
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
				ids, err := namedAccounts(ctx, c, t, a)
				if err != nil {
					return groups.Group{}, err
				}
				out, err := g.Save(ctx, c, a.Name, ids)
				return out, say(err)
			}, Writes(), Idempotent()),
		NewTool("delete_account_group", "Deletes an account group (the accounts stay connected).",
			func(ctx context.Context, c identity.Caller, a groupNameArgs) (groups.Deleted, error) {
				out, err := g.Delete(ctx, c, a.Name)
				return out, say(err)
			}, Writes(), Destructive()),
	}
}

// namedAccounts are the account ids of a group to save: account_ids, then
// the accounts named in words.
func namedAccounts(ctx context.Context, c identity.Caller, t Targets, a groupArgs) ([]string, error) {
	ids := a.AccountIDs
	if len(a.Accounts) == 0 {
		return ids, nil
	}
	if t == nil {
		return nil, Say(errors.New("agents: no resolver for named accounts"), "name the accounts by account_id (list_accounts)")
	}
	if err := c.Require(identity.Editor); err != nil {
		return nil, known(err)
	}
	ts, err := t.Resolve(ctx, c, publish.Where{Accounts: a.Accounts})
	var ce *publish.ChoiceError
	if errors.As(err, &ce) {
		var qs []string
		for _, ch := range ce.Choices {
			names := make([]string, len(ch.Options))
			for i, o := range ch.Options {
				names[i] = fmt.Sprintf("%q", strings.ToLower(ch.Platform.Label())+" "+o.Name)
			}
			qs = append(qs, fmt.Sprintf("%s has several accounts: say which, %s", ch.Platform.Label(), strings.Join(names, " or ")))
		}
		return nil, Say(err, "%s", strings.Join(qs, "; "))
	}
	var ve *publish.ValidationError
	if errors.As(err, &ve) {
		msgs := make([]string, len(ve.Problems))
		for i, p := range ve.Problems {
			msgs[i] = p.Message
		}
		return nil, Say(err, "%s", strings.Join(msgs, "; "))
	}
	if err != nil {
		return nil, err
	}
	for _, tg := range ts {
		ids = append(ids, tg.AccountID)
	}
	return ids, nil
}
