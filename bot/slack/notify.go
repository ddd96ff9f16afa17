package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Action ids of the notification buttons.
const (
	actRetry        = "mm_retry"
	actAnyway       = "mm_publish_anyway"
	actReconnect    = "mm_reconnect"
	actCancel       = present.ActCancel
	notifyResultsID = "outcome"
)

// ErrNowhere is returned for a notification with no thread and no
// notification channel configured.
var ErrNowhere = errors.New("slack: no thread to answer in and no notification channel (MM_SLACK_NOTIFY_CHANNEL)")

// where is the thread a notification answers, else the workspace's
// notification channel.
func (b *Bot) where(ctx context.Context, workspaceID, channel, thread string) (string, string, error) {
	if channel != "" {
		return channel, thread, nil
	}
	if ch := b.notifyChannel(ctx, workspaceID); ch != "" {
		return ch, "", nil
	}
	return "", "", ErrNowhere
}

// NotifyOutcome posts a job's outcome into the thread that asked for it
// (channel and thread; empty: the notification channel): published targets
// with their permalinks, failed ones with the reason and a Retry button,
// unconfirmed ones with "Publish anyway".
func (b *Bot) NotifyOutcome(ctx context.Context, workspaceID, channel, thread string, o publish.Outcome) error {
	channel, thread, err := b.where(ctx, workspaceID, channel, thread)
	if err != nil {
		return err
	}
	api, err := b.client(ctx, workspaceID)
	if err != nil {
		return err
	}
	blocks, summary := b.outcomeBlocks(o)
	if _, err := b.post(ctx, api, channel, thread, slack.MsgOptionText("Post update: "+summary, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		return fmt.Errorf("slack: notify outcome of post %s: %w", o.PostID, err)
	}
	return nil
}

// outcomeBlocks shows an outcome as bot/present words it: one line per
// target and the buttons its state offers (times in UTC: a notification
// has no reader yet).
func (b *Bot) outcomeBlocks(o publish.Outcome) ([]slack.Block, string) {
	s := b.present.Slack(present.Env{Loc: time.UTC, Now: b.now()}, o)
	return s.Blocks, s.Text
}

// Publish implements accounts.Events: a connect started from Slack is
// answered in its thread; an account needing re-authorization is told
// with a Reconnect button (in the thread, else the notification channel).
// It does not block.
func (b *Bot) Publish(_ context.Context, e accounts.Event) {
	b.laterOrLog("account event", func(ctx context.Context) {
		if err := b.accountEvent(ctx, e); err != nil && !errors.Is(err, ErrNowhere) {
			b.log.Error().Err(err).Str("kind", string(e.Kind)).Msg("slack: account event")
		}
	})
}

func (b *Bot) accountEvent(ctx context.Context, e accounts.Event) error {
	channel, thread := "", ""
	if e.ReturnTo.Kind == "slack" {
		channel, thread = e.ReturnTo.Channel, e.ReturnTo.ThreadTS
	}
	var text string
	var blocks []slack.Block
	switch e.Kind {
	case accounts.EventConnected:
		var names []string
		for _, a := range e.Accounts {
			names = append(names, a.AccountName)
		}
		text = fmt.Sprintf(":link: Connected %s: %s.", e.Platform, strings.Join(names, ", "))
	case accounts.EventConnectFailed:
		text = fmt.Sprintf(":warning: Connecting %s did not work: %s", e.Platform, e.Reason)
	case accounts.EventNeedsReauth:
		var names []string
		for _, a := range e.Accounts {
			names = append(names, a.AccountName)
		}
		text = fmt.Sprintf(":key: %s (%s) needs to be reconnected: %s", strings.Join(names, ", "), e.Platform, e.Reason)
		blocks = []slack.Block{
			slack.NewSectionBlock(mrkdwn(text), nil, nil),
			slack.NewActionBlock("reauth", slack.NewButtonBlockElement(actReconnect, string(e.Platform), plainText("Reconnect "+string(e.Platform))).WithStyle(slack.StylePrimary)),
		}
	default:
		return nil
	}
	if e.ReturnTo.Kind != "slack" && e.Kind != accounts.EventNeedsReauth {
		return nil // a connect started elsewhere is told there
	}
	channel, thread, err := b.where(ctx, e.WorkspaceID, channel, thread)
	if err != nil {
		return err
	}
	api, err := b.client(ctx, e.WorkspaceID)
	if err != nil {
		return err
	}
	opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
	if blocks != nil {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	_, err = b.post(ctx, api, channel, thread, opts...)
	return err
}

// retryAction retries a failed post as the person who clicked.
func (b *Bot) retryAction(ctx context.Context, a action) {
	if b.d.Publisher == nil {
		b.ephemeral(ctx, a, "Retrying is not available on this server.")
		return
	}
	ask := b.startAsk(a.caller.WorkspaceID)
	defer ask.end()
	o, err := b.d.Publisher.Retry(ctx, a.caller, a.id)
	b.settleOutcome(ctx, a, "Retried", o, err)
	if err == nil {
		ask.told(ctx, o.PostID)
	}
}

// anywayAction publishes an unconfirmed delivery again as the clicker.
func (b *Bot) anywayAction(ctx context.Context, a action) {
	postID, accountID, ok := strings.Cut(a.id, " ")
	if !ok || b.d.Publisher == nil {
		b.ephemeral(ctx, a, "This button is out of date.")
		return
	}
	ask := b.startAsk(a.caller.WorkspaceID)
	defer ask.end()
	o, err := b.d.Publisher.PublishAnyway(ctx, a.caller, postID, accountID)
	b.settleOutcome(ctx, a, "Published anyway", o, err)
	if err == nil {
		ask.told(ctx, o.PostID)
	}
}

// settleOutcome replaces an outcome message with the new outcome; a refusal
// (a viewer, a post in another state) is told only to the clicker.
func (b *Bot) settleOutcome(ctx context.Context, a action, verb string, o publish.Outcome, err error) {
	if err != nil {
		b.ephemeralCard(ctx, a, b.failed(err))
		return
	}
	blocks, summary := b.outcomeBlocks(o)
	text := fmt.Sprintf("%s by <@%s>. %s", verb, a.caller.UserID, summary)
	blocks[0] = slack.NewSectionBlock(mrkdwn(text), nil, nil)
	err = b.call(ctx, a.channel, false, func() error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, a.channel, a.message, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
		return err
	})
	if err != nil {
		b.log.Error().Err(err).Msg("slack: settle outcome")
	}
}

// reconnectAction starts a new connect of the platform and hands the
// clicker the consent link, privately.
func (b *Bot) reconnectAction(ctx context.Context, a action) {
	if b.d.Accounts == nil {
		b.ephemeral(ctx, a, "Reconnecting is not available on this server.")
		return
	}
	u, err := b.d.Accounts.Connect(ctx, a.caller, platform.Name(a.id), accounts.ReturnTo{Kind: "slack", Channel: a.channel, ThreadTS: a.thread})
	if err != nil {
		b.ephemeralCard(ctx, a, b.failed(err))
		return
	}
	b.ephemeral(ctx, a, fmt.Sprintf("<%s|Reconnect %s> (the link works once, for 10 minutes).", u, platform.Name(a.id).Label()))
}
