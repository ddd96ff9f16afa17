package slack

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/marketingminds/marketingminds/agents/intent"
	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Groups are the account groups as /mm group needs them (*groups.Service).
type Groups interface {
	List(ctx context.Context, c identity.Caller) ([]groups.Group, error)
	Save(ctx context.Context, c identity.Caller, name string, accountIDs []string) (groups.Group, error)
	Delete(ctx context.Context, c identity.Caller, name string) (groups.Deleted, error)
}

// slashGroup lists, saves or deletes account groups: `/mm group`, `/mm
// group save NAME ACCOUNTS…` (accounts as people name them, read by
// tools/publish's resolver as `/mm post` reads platforms), `/mm group
// delete NAME`; the same tools/groups functions as REST and the agent.
func (b *Bot) slashGroup(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (any, error) {
	if b.d.Groups == nil {
		return "Account groups are not available on this server.", nil
	}
	var out any
	var err error
	switch cmd.Status {
	case "save":
		out, err = b.saveGroup(ctx, c, cmd)
	case "delete":
		out, err = b.d.Groups.Delete(ctx, c, cmd.Group)
	default:
		out, err = b.d.Groups.List(ctx, c)
	}
	if rf := (*groups.Refusal)(nil); errors.As(err, &rf) {
		return nil, &sayError{words: upperFirst(rf.Words) + groupHint(rf)}
	}
	return out, err
}

// saveGroup resolves the accounts named, then saves the group (creating
// it, or replacing the accounts of the group of that name).
func (b *Bot) saveGroup(ctx context.Context, c identity.Caller, cmd intent.Command) (any, error) {
	if err := c.Require(identity.Editor); err != nil {
		return nil, err
	}
	if b.d.Targets == nil {
		return "Account groups are not available on this server.", nil
	}
	ts, err := b.d.Targets.Resolve(ctx, c, publish.Where{Accounts: cmd.Accounts})
	var ce *publish.ChoiceError
	var ve *publish.ValidationError
	switch {
	case errors.As(err, &ce):
		return groupChoiceText(ce, cmd), nil
	case errors.As(err, &ve):
		return nil, &sayError{words: upperFirst(joinProblems(ve.Problems)) + "."}
	case err != nil:
		return nil, err
	}
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.AccountID
	}
	return b.d.Groups.Save(ctx, c, cmd.Group, ids)
}

// groupHint is what to do after a refusal, in slash command words.
func groupHint(rf *groups.Refusal) string {
	switch {
	case errors.Is(rf, groups.ErrNotFound):
		return fmt.Sprintf(". `%s group` lists them.", Command)
	case rf.Field == "name":
		return fmt.Sprintf(". For example: `%s %s`.", Command, intent.GroupSaveUsage)
	}
	return "."
}

// groupChoiceText answers a group naming a platform with several accounts
// and no default: the accounts, and the command again with the first one
// named, to change as needed.
func groupChoiceText(ce *publish.ChoiceError, cmd intent.Command) string {
	var sb strings.Builder
	named := slices.Clone(cmd.Accounts)
	for _, ch := range ce.Choices {
		fmt.Fprintf(&sb, "%s has several accounts here:\n", ch.Platform.Label())
		for i, o := range ch.Options {
			fmt.Fprintf(&sb, "%d. %s\n", i+1, o.Label())
		}
		for i, a := range named {
			if p, ok := publish.ParsePlatform(a); ok && p == ch.Platform {
				named[i] = a + " " + ch.Options[0].Name
			}
		}
	}
	for i, a := range named { // as people write them: x, not twitter
		first, rest, _ := strings.Cut(a, " ")
		if p, ok := publish.ParsePlatform(first); ok {
			named[i] = strings.TrimSpace(strings.ToLower(p.Label()) + " " + rest)
		}
	}
	fmt.Fprintf(&sb, "Say which after the platform, for example: `%s group save \"%s\" %s`", Command, cmd.Group, strings.Join(named, ", "))
	return sb.String()
}
