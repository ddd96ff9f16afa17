package agents

import (
	"context"
	"errors"
	"fmt"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

// Inbox is the engagement inbox (*inbox.Service).
type Inbox interface {
	List(ctx context.Context, c identity.Caller, f inbox.Filter) (inbox.Page, error)
	Get(ctx context.Context, c identity.Caller, id string) (inbox.Item, error)
	Reply(ctx context.Context, c identity.Caller, id, text string) (inbox.Item, error)
	Like(ctx context.Context, c identity.Caller, id string) (inbox.Item, error)
	Hide(ctx context.Context, c identity.Caller, id string) (inbox.Item, error)
	Done(ctx context.Context, c identity.Caller, id string) (inbox.Item, error)
}

type inboxListArgs struct {
	State     string `json:"state,omitempty" jsonschema:"enum=new,enum=answered,enum=hidden,enum=done,description=Only items in this state; new means waiting for an answer."`
	Platform  string `json:"platform,omitempty" jsonschema:"description=Only this platform: facebook, instagram, x or linkedin."`
	AccountID string `json:"account_id,omitempty" jsonschema:"description=Only this account (account_id from list_accounts)."`
	Limit     int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=50,description=How many, newest first (default 20)."`
}

type inboxItemArgs struct {
	ItemID string `json:"item_id" jsonschema:"minLength=1,description=The item's id from list_inbox."`
}

type inboxReplyArgs struct {
	ItemID string `json:"item_id" jsonschema:"minLength=1,description=The item's id from list_inbox."`
	Text   string `json:"text" jsonschema:"minLength=1,maxLength=3000,description=The answer, in the brand's voice, as it will appear on the platform."`
}

// inboxTools read the inbox and act on its comments and mentions. An
// answer is published in the account's name: it waits for a person's
// approval like a post, and so does hiding (it changes what people see).
func inboxTools(ib Inbox) []Tool {
	say := func(err error) error {
		if errors.Is(err, inbox.ErrInvalid) || errors.Is(err, inbox.ErrNotFound) || errors.Is(err, inbox.ErrBusy) {
			return Say(err, "%s", err.Error())
		}
		return known(err)
	}
	act := func(do func(context.Context, identity.Caller, string) (inbox.Item, error)) func(context.Context, identity.Caller, inboxItemArgs) (inbox.Item, error) {
		return func(ctx context.Context, c identity.Caller, a inboxItemArgs) (inbox.Item, error) {
			it, err := do(ctx, c, a.ItemID)
			return it, say(err)
		}
	}
	preview := func(what string) func(ctx context.Context, c identity.Caller, a inboxItemArgs) (string, error) {
		return func(ctx context.Context, c identity.Caller, a inboxItemArgs) (string, error) {
			it, err := ib.Get(ctx, c, a.ItemID)
			if err != nil {
				return "", say(err)
			}
			return fmt.Sprintf("%s %s's %s on %s: “%s”", what, orName(it.AuthorName), it.Kind, it.Platform.Label(), clip(it.Text, 200)), nil
		}
	}
	return []Tool{
		NewTool("list_inbox", "Lists comments on the workspace's posts and mentions of its accounts, newest first, with their state (new = waiting for an answer).",
			func(ctx context.Context, c identity.Caller, a inboxListArgs) (inbox.Page, error) {
				f := inbox.Filter{State: a.State, AccountID: a.AccountID, Limit: a.Limit}
				if f.Limit == 0 {
					f.Limit = 20
				}
				if a.Platform != "" {
					p, err := platformOf(a.Platform)
					if err != nil {
						return inbox.Page{}, err
					}
					f.Platform = p
				}
				page, err := ib.List(ctx, c, f)
				return page, say(err)
			}, ReadOnly()),
		NewTool("reply_to_comment", "Answers a comment or mention on its platform in the account's name; a person approves it first, as for a post.",
			func(ctx context.Context, c identity.Caller, a inboxReplyArgs) (inbox.Item, error) {
				it, err := ib.Reply(ctx, c, a.ItemID, a.Text)
				return it, say(err)
			}, Mutating(), OpenWorld(), Idempotent(), WithPreview(func(ctx context.Context, c identity.Caller, a inboxReplyArgs) (string, error) {
				it, err := ib.Get(ctx, c, a.ItemID)
				if err != nil {
					return "", say(err)
				}
				return fmt.Sprintf("Answer %s on %s (“%s”) with: “%s”", orName(it.AuthorName), it.Platform.Label(), clip(it.Text, 120), a.Text), nil
			})),
		NewTool("like_comment", "Likes a comment or mention as the account, where the platform allows it (Facebook, X).",
			act(ib.Like), Writes(), OpenWorld(), Idempotent()),
		NewTool("hide_comment", "Hides a comment from the public, where the platform allows it (Facebook, Instagram, replies on X); a person approves it first.",
			act(ib.Hide), Mutating(), OpenWorld(), Idempotent(), WithPreview(preview("Hide"))),
		NewTool("close_inbox_item", "Marks a comment or mention as handled without answering it.",
			act(ib.Done), Writes(), Idempotent()),
	}
}

func orName(s string) string {
	if s == "" {
		return "someone"
	}
	return s
}

// clip cuts s to n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
