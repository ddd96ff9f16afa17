package slack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Accounts is tools/accounts as the door needs it.
type Accounts interface {
	List(ctx context.Context, c identity.Caller, p platform.Name) ([]accounts.Account, error)
	TokenStatus(ctx context.Context, c identity.Caller) ([]accounts.TokenState, error)
	Connect(ctx context.Context, c identity.Caller, p platform.Name, ret accounts.ReturnTo) (string, error)
	Disconnect(ctx context.Context, c identity.Caller, id string) (accounts.Account, error)
}

// homePosts is how many posts App Home reads to find the upcoming ones and
// the last week's.
const homePosts = 100

func (b *Bot) onHomeOpened(ctx context.Context, teamID string, ev event) {
	if ev.Tab != "home" || ev.User == "" || b.d.Accounts == nil || b.d.Publisher == nil {
		return
	}
	api, err := b.client(ctx, teamID)
	if err != nil {
		b.log.Error().Err(err).Msg("slack: app home")
		return
	}
	c, err := b.caller(ctx, api, teamID, ev.User, identity.DoorSlack)
	if err != nil {
		b.log.Error().Err(err).Msg("slack: app home: who opened it")
		return
	}
	blocks, err := b.homeBlocks(ctx, c)
	if err != nil {
		b.log.Error().Err(err).Msg("slack: app home")
		blocks = []slack.Block{slack.NewSectionBlock(mrkdwn("Marketing Minds cannot read your accounts and posts right now; open this tab again in a moment."), nil, nil)}
	}
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	err = b.call(ctx, "views.publish", false, func() error {
		_, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: ev.User, View: view})
		return err
	})
	if err != nil {
		b.log.Error().Err(err).Msg("slack: views.publish")
	}
}

// tokenIcon shows a token's health.
var tokenIcon = map[string]string{"valid": ":large_green_circle:", "expiring": ":large_yellow_circle:", "expired": ":red_circle:", "needs_reauth": ":red_circle:"}

// homeBlocks is App Home: connected accounts with token health, the next
// scheduled posts and the last seven days at a glance.
func (b *Bot) homeBlocks(ctx context.Context, c identity.Caller) ([]slack.Block, error) {
	tokens, err := b.d.Accounts.TokenStatus(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("slack: home: %w", err)
	}
	posts, _, err := b.d.Publisher.List(ctx, c, homePosts, "")
	if err != nil {
		return nil, fmt.Errorf("slack: home: %w", err)
	}
	now := b.now()
	lines := []string{"*Accounts*"}
	if len(tokens) == 0 {
		lines = append(lines, "None connected yet: try `/mm connect linkedin`.")
	}
	for _, t := range tokens {
		line := fmt.Sprintf("%s %s on %s: %s", tokenIcon[t.Status], t.AccountName, platform.Name(t.Platform).Label(), strings.ReplaceAll(t.Status, "_", " "))
		if t.Reason != "" {
			line += " (" + t.Reason + ")"
		}
		lines = append(lines, line)
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(plainText("Marketing Minds")),
		slack.NewSectionBlock(mrkdwn(strings.Join(lines, "\n")), nil, nil),
		slack.NewDividerBlock(),
		slack.NewSectionBlock(mrkdwn(upcoming(posts, now)), nil, nil),
		slack.NewDividerBlock(),
		slack.NewSectionBlock(mrkdwn(lastWeek(posts, now)), nil, nil),
	}
	return blocks, nil
}

// upcoming lists the next five scheduled posts.
func upcoming(posts []publish.PostView, now time.Time) string {
	var next []publish.PostView
	for _, p := range posts {
		if p.ScheduledAt != nil && p.ScheduledAt.After(now) && p.Status != string(publish.StatusCancelled) {
			next = append(next, p)
		}
	}
	slices.SortFunc(next, func(a, b publish.PostView) int { return a.ScheduledAt.Compare(*b.ScheduledAt) })
	lines := []string{"*Next scheduled posts*"}
	if len(next) == 0 {
		lines = append(lines, "Nothing scheduled.")
	}
	for _, p := range next[:min(5, len(next))] {
		var where []string
		for _, t := range p.Targets {
			if name := t.Platform.Label(); !slices.Contains(where, name) {
				where = append(where, name)
			}
		}
		lines = append(lines, fmt.Sprintf("<!date^%d^{date_short_pretty} at {time}|%s> on %s: %s", p.ScheduledAt.Unix(),
			p.ScheduledAt.UTC().Format("Mon 2 Jan, 15:04 UTC"), strings.Join(where, ", "), short(p.Content.Text, 80)))
	}
	return strings.Join(lines, "\n")
}

// lastWeek counts the deliveries of the last seven days by outcome.
func lastWeek(posts []publish.PostView, now time.Time) string {
	since := now.Add(-7 * 24 * time.Hour)
	count := map[publish.Status]int{}
	for _, p := range posts {
		for _, t := range p.Targets {
			at := t.RunAt
			if t.PublishedAt != nil {
				at = *t.PublishedAt
			}
			if at.After(since) && !at.After(now) {
				count[t.Status]++
			}
		}
	}
	return fmt.Sprintf("*Last 7 days*\n%d published, %d failed, %d unconfirmed", count[publish.StatusPublished], count[publish.StatusFailed], count[publish.StatusUnconfirmed])
}

func short(s string, n int) string {
	r := []rune(strings.ReplaceAll(s, "\n", " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
