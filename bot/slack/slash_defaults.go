package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/marketingminds/marketingminds/agents/intent"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Targets is tools/publish's resolver as the door needs it: which
// accounts "to LinkedIn" means, and each platform's default account.
type Targets interface {
	Resolve(ctx context.Context, c identity.Caller, w publish.Where) ([]publish.Target, error)
	Defaults(ctx context.Context, c identity.Caller) ([]publish.DefaultAccount, error)
	SetDefault(ctx context.Context, c identity.Caller, p platform.Name, account string) (publish.Target, error)
}

// choiceText answers a /mm post to a platform with several accounts: the
// accounts, and how to say which.
func choiceText(ce *publish.ChoiceError) string {
	var b strings.Builder
	for _, ch := range ce.Choices {
		fmt.Fprintf(&b, "%s has several accounts here:\n", ch.Platform.Label())
		for i, o := range ch.Options {
			fmt.Fprintf(&b, "%d. %s\n", i+1, o.Label())
		}
		name := strings.ToLower(ch.Platform.Label())
		fmt.Fprintf(&b, "Choose where %s posts go with `%s default %s \"%s\"`, then post again; or mention me and I will ask.\n",
			ch.Platform.Label(), Command, name, ch.Options[0].Name)
	}
	return strings.TrimSpace(b.String())
}

// slashDefault shows or sets a platform's default account.
func (b *Bot) slashDefault(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (any, error) {
	if b.d.Targets == nil {
		return "Default accounts are not available on this server.", nil
	}
	if cmd.Platform != "" && (cmd.Account != "" || cmd.ClearDefault) {
		p := platform.Name(cmd.Platform)
		t, err := b.d.Targets.SetDefault(ctx, c, p, cmd.Account)
		var ve *publish.ValidationError
		if errors.As(err, &ve) {
			return nil, &sayError{words: upperFirst(joinProblems(ve.Problems)) + "."}
		}
		if err != nil {
			return nil, err
		}
		if cmd.ClearDefault {
			return fmt.Sprintf("%s has no default account now: posts to it ask which account when there are several.", p.Label()), nil
		}
		return fmt.Sprintf("Posts to %s now go to %s.", p.Label(), t.Label()), nil
	}
	all, err := b.d.Targets.Defaults(ctx, c)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, d := range all {
		if cmd.Platform != "" && string(d.Platform) != cmd.Platform {
			continue
		}
		who := "no default (I ask when there are several accounts)"
		if d.Account != nil {
			who = d.Account.Label()
		}
		lines = append(lines, fmt.Sprintf("• %s: %s", d.Platform.Label(), who))
	}
	return "*Default accounts*\n" + strings.Join(lines, "\n") + fmt.Sprintf("\nChange one with `%s %s`.", Command, intent.DefaultUsage), nil
}

// joinProblems is a refusal's problems in one sentence.
func joinProblems(ps []publish.Problem) string {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, "; ")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
