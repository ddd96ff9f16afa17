package slack

import (
	"context"
	"net/http"
	"strings"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// Commands serves POST /slack/commands (/mm): verified, acknowledged at
// once with an ephemeral line, run after the ack; the result goes to the
// command's response_url, once.
func (b *Bot) Commands(w http.ResponseWriter, r *http.Request) {
	if _, ok := b.verified(w, r); !ok {
		return
	}
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "slack: bad slash command: "+err.Error(), http.StatusBadRequest)
		return
	}
	writeJSON(w, b.command(cmd))
}

// command takes a slash command (HTTP or Socket Mode) and returns its
// immediate ephemeral answer; the work runs after the ack.
func (b *Bot) command(cmd slack.SlashCommand) *slack.Msg {
	if cmd.TeamID == "" || cmd.UserID == "" || cmd.ResponseURL == "" {
		return &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: "This command came without a team, user or response URL; Slack should not send that."}
	}
	text := strings.TrimSpace(cmd.Text)
	taken := b.later(func(ctx context.Context) {
		msg := b.runCommand(ctx, cmd, text)
		msg.ResponseType = slack.ResponseTypeEphemeral
		err := b.call(ctx, cmd.ChannelID, false, func() error {
			return slack.PostWebhookCustomHTTPContext(ctx, cmd.ResponseURL, b.d.HTTP, msg)
		})
		if err != nil {
			b.log.Error().Err(err).Str("team", cmd.TeamID).Msg("slack: /mm response")
		}
	})
	if !taken {
		b.log.Warn().Str("team", cmd.TeamID).Int("queue", b.cfg.Queue).Msg("slack: too much work queued; /mm refused")
		return &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: busyText}
	}
	ack := "Working on `" + Command + " " + text + "`…"
	if text == "" {
		ack = "Working on it…"
	}
	return &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: ack}
}

// runCommand runs /mm for its caller and says what came of it.
func (b *Bot) runCommand(ctx context.Context, cmd slack.SlashCommand, text string) *slack.WebhookMessage {
	api, err := b.client(ctx, cmd.TeamID)
	if err != nil {
		b.log.Error().Err(err).Msg("slack: /mm")
		return &slack.WebhookMessage{Text: "This workspace has not installed Marketing Minds properly; ask an admin to reinstall it."}
	}
	c, err := b.caller(ctx, api, cmd.TeamID, cmd.UserID, identity.DoorSlash)
	if err != nil {
		b.log.Error().Err(err).Msg("slack: /mm: who is asking")
		return &slack.WebhookMessage{Text: "I could not tell who you are in this workspace; please try again."}
	}
	out := b.slash(ctx, c, b.env(ctx, api, c), cmd.ChannelID, text)
	if len(out.Images) > 0 {
		ts, err := b.postWithImages(ctx, api, cmd.ChannelID, out)
		if err != nil {
			b.log.Warn().Err(err).Str("team", cmd.TeamID).Msg("slack: /mm chart")
		}
		if ts != "" {
			return &slack.WebhookMessage{Text: "Posted in this channel, with its chart in the thread."}
		}
	}
	msg := &slack.WebhookMessage{Text: out.Text}
	if len(out.Blocks) > 0 {
		msg.Blocks = &slack.Blocks{BlockSet: out.Blocks}
	}
	return msg
}
