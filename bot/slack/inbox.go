package slack

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

// Inbox is tools/inbox as the Slack door needs it (*inbox.Service): the
// same functions the REST API, the dashboard and the agent call.
type Inbox interface {
	Get(ctx context.Context, c identity.Caller, id string) (inbox.Item, error)
	AtSlackMessage(ctx context.Context, c identity.Caller, channel, ts string) (inbox.Item, error)
	Reply(ctx context.Context, c identity.Caller, id, text string) (inbox.Item, error)
	Like(ctx context.Context, c identity.Caller, id string) (inbox.Item, error)
	Hide(ctx context.Context, c identity.Caller, id string) (inbox.Item, error)
	Done(ctx context.Context, c identity.Caller, id string) (inbox.Item, error)
	Offers(it inbox.Item) inbox.Offer
	// ClaimUnannounced and MarkAnnounced post each new item once across
	// replicas: claimed under a lease, marked once posted.
	ClaimUnannounced(ctx context.Context, owner string, lease time.Duration, limit int) ([]inbox.Item, error)
	MarkAnnounced(ctx context.Context, workspaceID, id string, a inbox.Announce) error
}

// Drafter drafts an answer to an item in the brand's voice (the content
// writer, from the workspace's memory), for a person to edit and send.
type Drafter interface {
	DraftReply(ctx context.Context, c identity.Caller, it inbox.Item) (string, error)
}

const (
	// inboxLease is how long claimed items are this replica's to post:
	// past it (a crash, Slack failing) they are claimed again.
	inboxLease = 5 * time.Minute
	// inboxBatch bounds the items of one claim: posted one a second per
	// channel, a batch ends well within its lease.
	inboxBatch = 20
	// inboxMargin is the part of the lease an item is not started in: it
	// may be another replica's by the time Slack answers.
	inboxMargin = time.Minute
	// inboxGiveUp bounds the retries of an item Slack keeps failing (one
	// per lease): past it, the item stays on the dashboard only.
	inboxGiveUp = time.Hour
)

// RunInbox posts new inbox items to their workspace's inbox channel now,
// every cfg.InboxEvery and whenever KickInbox is called, until ctx ends.
func (b *Bot) RunInbox(ctx context.Context) {
	if b.d.Inbox == nil {
		return
	}
	t := time.NewTicker(b.cfg.InboxEvery)
	defer t.Stop()
	for {
		b.announceDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-b.inboxKick:
		}
	}
}

// KickInbox makes RunInbox look for new items at once (after an ingest).
func (b *Bot) KickInbox() {
	select {
	case b.inboxKick <- struct{}{}:
	default: // a look is due already
	}
}

// announceDue claims the unannounced items, a batch at a time, and posts them.
func (b *Bot) announceDue(ctx context.Context) {
	for ctx.Err() == nil {
		claimed := b.now()
		items, err := b.d.Inbox.ClaimUnannounced(ctx, b.owner, inboxLease, inboxBatch)
		if err != nil {
			b.log.Error().Err(err).Msg("slack: claim inbox items; tried again at the next look")
			return
		}
		for _, it := range items {
			if b.now().After(claimed.Add(inboxLease - inboxMargin)) {
				return // the rest may be claimed again by now: they wait for the next claim
			}
			b.announce(ctx, it)
		}
		if len(items) < inboxBatch {
			return
		}
	}
}

// announce posts one item to its workspace's inbox channel and records
// where. Without a channel it is recorded as not posted; a Slack refusal
// that trying again does not change is logged and recorded the same way;
// another failure (Slack's own) leaves it to be claimed again when its
// lease ends, for up to an hour after it arrived.
func (b *Bot) announce(ctx context.Context, it inbox.Item) {
	log := b.log.With().Str("team", it.WorkspaceID).Str("item", it.ID).Logger()
	mark := func(a inbox.Announce) {
		if err := b.d.Inbox.MarkAnnounced(ctx, it.WorkspaceID, it.ID, a); err != nil {
			log.Error().Err(err).Msg("slack: mark an inbox item announced; it may be posted again")
		}
	}
	ch, err := b.inboxChannel(ctx, it.WorkspaceID)
	if err != nil {
		log.Warn().Err(err).Msg("slack: settings; the inbox item waits for its lease to end")
		return
	}
	if ch == "" {
		mark(inbox.Announce{})
		return
	}
	api, err := b.client(ctx, it.WorkspaceID)
	if err != nil {
		log.Error().Err(err).Msg("slack: announce an inbox item")
		return
	}
	text, blocks := b.itemMessage(ctx, it)
	ts, err := b.post(ctx, api, ch, "", slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	switch {
	case err == nil:
		mark(inbox.Announce{Channel: ch, TS: ts})
	case permanent(err):
		log.Error().Err(err).Str("channel", ch).Msg("slack: inbox item not posted; Slack refuses it (is the app in the inbox channel?)")
		mark(inbox.Announce{Channel: ch})
	case b.now().Sub(it.ReceivedAt) > inboxGiveUp:
		log.Error().Err(err).Str("channel", ch).Msg("slack: inbox item not posted; giving up after an hour of failures")
		mark(inbox.Announce{Channel: ch})
	default:
		log.Warn().Err(err).Msg("slack: inbox item not posted yet; tried again when its lease ends")
	}
}

// inboxChannel is where workspaceID's inbox items are posted, "" for nowhere.
func (b *Bot) inboxChannel(ctx context.Context, workspaceID string) (string, error) {
	if b.d.Settings == nil {
		return "", nil
	}
	st, err := b.d.Settings.Lookup(ctx, workspaceID)
	if err != nil {
		return "", fmt.Errorf("slack: inbox channel of %s: %w", workspaceID, err)
	}
	return st.InboxChannel, nil
}
