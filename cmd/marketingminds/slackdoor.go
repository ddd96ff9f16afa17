package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	slackbot "github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// slackDoor builds the Slack door when Slack is configured (a signing
// secret for the Events API or an app token for Socket Mode); nil when not.
// ctx bounds its work after acknowledgements.
func (a *app) slackDoor(ctx context.Context, cfg config, log zerolog.Logger) (*slackbot.Bot, error) {
	if cfg.SlackSigningSecret == "" && cfg.SlackAppToken == "" {
		return nil, nil
	}
	conversations := slackConversations{o: a.agents, present: present.New()}
	bot, err := slackbot.New(ctx, slackbot.Config{
		SigningSecret: cfg.SlackSigningSecret, BotToken: cfg.SlackBotToken, AppToken: cfg.SlackAppToken, APIURL: cfg.SlackAPIURL,
		ClientID: cfg.SlackClientID, ClientSecret: cfg.SlackClientSecret, PublicURL: cfg.PublicURL,
		DefaultRole: cfg.DefaultRole, NotifyChannel: cfg.SlackNotifyChannel,
	}, slackbot.Deps{
		Store: slackbot.NewStore(a.db), Users: a.identity, Tokens: a.identity,
		Conversations: conversations, Approvals: slackApprovals{a: a},
		Publisher: a.publish, Posts: a.publish, Accounts: a.accounts, Targets: a.targets, Groups: a.groups, Jobs: a.scheduler,
		Settings: a.settings, SignIn: a.sessions, Analytics: a.analytics, Converter: a.convert, Resubmitter: conversations, Vault: a.vault, States: oauth.NewStates(a.db, a.vault, nil), Log: log,
		Inbox: a.inbox, Drafter: replyDrafter{a.agents}, Media: a.media,
		Participation: slackThreads{conversations: agents.NewStore(a.db), media: media.NewStore(a.db)},
	})
	if err != nil {
		return nil, err
	}
	a.slack.Store(bot)
	return bot, nil
}

// slackThreads tells the Slack door the threads it takes part in: those
// with a conversation with the orchestrator, or with media the door kept
// (files shared with a mention and no words run no turn).
type slackThreads struct {
	conversations agents.Store
	media         media.Store
}

func (s slackThreads) Participates(ctx context.Context, workspaceID, channel, thread string) (bool, error) {
	key := agents.ConversationKey{WorkspaceID: workspaceID, Channel: channel, Thread: thread}
	msgs, err := s.conversations.Messages(ctx, key, 1)
	if err != nil {
		return false, fmt.Errorf("slack thread %s: %w", key, err)
	}
	if len(msgs) > 0 {
		return true, nil
	}
	kept, err := s.media.List(ctx, workspaceID, media.Query{Conversation: key.String(), Limit: 1})
	if err != nil {
		return false, fmt.Errorf("slack thread %s: %w", key, err)
	}
	return len(kept) > 0, nil
}

// slackConversations is the orchestrator as the Slack door sees it: the
// results nobody wrote about (and those with something to act on) become
// cards after the text.
type slackConversations struct {
	o       *agents.Orchestrator
	present *present.Registry
}

func (s slackConversations) Run(ctx context.Context, c identity.Caller, channel, thread, text string, sink slackbot.Sink) (string, error) {
	r, err := s.o.Run(ctx, agents.Turn{Caller: c, Channel: channel, Thread: thread, Text: text}, agentSink{sink})
	for _, v := range s.present.Shown(r) {
		sink.Card(v)
	}
	return r.Text, err
}

// Resubmit proposes the thread's refused post again with the converted
// media; every result of it (the new refusal) is shown as a card.
func (s slackConversations) Resubmit(ctx context.Context, c identity.Caller, channel, thread string, original check.ConvertRequest, converted check.Stored, sink slackbot.Sink) (bool, error) {
	key := agents.ConversationKey{WorkspaceID: c.WorkspaceID, Channel: channel, Thread: thread}
	swap := agents.MediaSwap{OldID: original.MediaID, OldURL: original.MediaURL, NewID: converted.ID}
	r, err := s.o.Resubmit(ctx, c, key, swap, agentSink{sink})
	if errors.Is(err, agents.ErrNoRefusal) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, res := range r.Results {
		sink.Card(res.Value)
	}
	return true, nil
}

// agentSink hands the orchestrator's stream to the door's sink; approvals
// are shown without target detail here (the door reads them through Get).
type agentSink struct{ s slackbot.Sink }

func (a agentSink) Delta(t string) { a.s.Delta(t) }
func (a agentSink) Progress(p agents.Progress) {
	a.s.Progress(slackbot.Progress{Tool: p.Tool, Status: p.Status, Text: p.Text})
}
func (a agentSink) Result(agents.Result) {}
func (a agentSink) Answered()            { a.s.Answered() }
func (a agentSink) Approval(ap agents.Approval) {
	a.s.Approval(slackbot.Approval{ID: ap.ID, RequestedBy: ap.RequestedBy, Summary: ap.Preview})
}

// slackApprovals is the approval gate as the Slack door sees it.
type slackApprovals struct{ a *app }

// postArgs are the fields of publish_post and schedule_post the preview shows.
type postArgs struct {
	Text       string   `json:"text"`
	Platforms  []string `json:"platforms"`
	AccountIDs []string `json:"account_ids"`
	ImageURLs  []string `json:"image_urls"`
	VideoURL   string   `json:"video_url"`
	MediaIDs   []string `json:"media_ids"`
	Time       string   `json:"time"`
}

func (s slackApprovals) Get(ctx context.Context, c identity.Caller, id string) (slackbot.Approval, error) {
	list, err := s.a.agents.Approvals(ctx, c, "")
	if err != nil {
		return slackbot.Approval{}, err
	}
	i := slices.IndexFunc(list, func(ap agents.Approval) bool { return ap.ID == id })
	if i < 0 {
		return slackbot.Approval{}, fmt.Errorf("approval %s: not found in this workspace", id)
	}
	ap := list[i]
	out := slackbot.Approval{ID: ap.ID, RequestedBy: ap.RequestedBy, Summary: ap.Preview}
	if ch := ap.Checks.Choice; ch != nil && ap.Status == agents.ApprovalAsking {
		for _, o := range ch.Options {
			out.Options = append(out.Options, slackbot.Option{AccountID: o.AccountID, Label: o.Label(), Name: o.Name})
		}
		return out, nil
	}
	for _, d := range ap.Checks.Duplicates {
		out.Warnings = append(out.Warnings, d.Message())
	}
	var args postArgs
	if json.Unmarshal(ap.Args, &args) != nil || args.Text == "" && len(args.MediaIDs) == 0 {
		return out, nil // not a post: the preview says it all
	}
	out.Thumbs, out.MediaIDs = s.thumbs(ctx, c, args.MediaIDs), args.MediaIDs
	named := map[string]bool{} // the accounts the checks before approval resolved
	for _, t := range ap.Checks.Targets {
		named[t.AccountID] = true
	}
	accs, err := s.a.accounts.List(ctx, c, "")
	if err != nil {
		return slackbot.Approval{}, err
	}
	requester := identity.Caller{WorkspaceID: c.WorkspaceID, UserID: ap.RequestedBy, Role: c.Role, Door: identity.DoorSlack}
	for _, acc := range accs {
		wanted := named[acc.ID] || (len(named) == 0 && (slices.Contains(args.AccountIDs, acc.ID) ||
			(acc.Status == accounts.StatusConnected && (slices.Contains(args.Platforms, string(acc.Platform)) ||
				(acc.Platform == "twitter" && slices.Contains(args.Platforms, "x"))))))
		if !wanted {
			continue
		}
		t := slackbot.Target{AccountID: acc.ID, Platform: string(acc.Platform), Account: acc.AccountName, Text: args.Text, Media: args.ImageURLs}
		if args.VideoURL != "" {
			t.Media = append(t.Media, args.VideoURL)
		}
		if args.Time != "" {
			if at, err := s.a.publish.ParseTime(ctx, requester, args.Time); err == nil {
				t.ScheduledAt = at
			}
		}
		out.Targets = append(out.Targets, t)
	}
	return out, nil
}

func (s slackApprovals) Approve(ctx context.Context, c identity.Caller, id string) (slackbot.Decision, error) {
	return decision(s.a.agents.Approve(ctx, c, id))
}

func (s slackApprovals) Reject(ctx context.Context, c identity.Caller, id, reason string) (slackbot.Decision, error) {
	return decision(s.a.agents.Reject(ctx, c, id, reason))
}

func (s slackApprovals) Choose(ctx context.Context, c identity.Caller, id, accountID string, remember bool) (slackbot.Decision, error) {
	r, err := s.a.agents.Choose(ctx, c, id, accountID, remember)
	d, err := decision(r, err)
	if err == nil && !d.Already && (r.Approval.Status == agents.ApprovalAsking || r.Approval.Status == agents.ApprovalPending) {
		d.Next = &slackbot.Approval{ID: r.Approval.ID, RequestedBy: r.Approval.RequestedBy, Summary: r.Approval.Preview}
	}
	return d, err
}

// decision turns the gate's answer into the door's: an approval decided
// before says by whom and how.
func decision(r agents.ApprovalResult, err error) (slackbot.Decision, error) {
	if errors.Is(err, agents.ErrDecided) {
		text := fmt.Sprintf("it is %s", r.Approval.Status)
		if r.Approval.DecidedBy != "" {
			text += fmt.Sprintf(" (decided by <@%s>)", r.Approval.DecidedBy)
		}
		return slackbot.Decision{Status: string(r.Approval.Status), Text: text, Already: true}, nil
	}
	if err != nil {
		return slackbot.Decision{}, err
	}
	var made struct {
		PostID string `json:"post_id"`
	}
	_ = json.Unmarshal(r.Result, &made) // not a post: no post id, nothing to tell later
	return slackbot.Decision{Status: string(r.Approval.Status), Text: r.Text, PostID: made.PostID, Value: r.Value}, nil
}

// runSlack starts what the door runs beside the HTTP routes until ctx ends:
// Socket Mode when configured, the outbox of job outcomes, the inbox's new
// items, and the account events it reports.
func (a *app) runSlack(ctx context.Context, bot *slackbot.Bot, log zerolog.Logger) {
	go bot.RunOutbox(ctx)
	go bot.RunInbox(ctx)
	if bot.SocketMode() {
		go func() {
			if err := bot.RunSocketMode(ctx); err != nil {
				log.Error().Err(err).Msg("slack: Socket Mode stopped")
			}
		}()
	}
	go func() {
		for {
			select {
			case e := <-a.accountEvents.C:
				bot.Publish(ctx, e)
			case <-ctx.Done():
				return
			}
		}
	}()
}

// thumbTTL is how long an approval's thumbnail URLs work: Slack fetches
// them when the message is posted and again when a client shows it.
const thumbTTL = 7 * 24 * time.Hour

// thumbs are the approval's stored media for Slack to show: each one's
// thumbnail (a video's poster card) at a signed URL under MM_PUBLIC_URL,
// with its stored alt text or, without one, what it is ("photo.jpg, image
// 1 of 2"); a media gone since is left out (the checks before approval
// name it).
func (s slackApprovals) thumbs(ctx context.Context, c identity.Caller, ids []string) []slackbot.Thumb {
	var out []slackbot.Thumb
	for i, id := range ids {
		m, err := s.a.media.Get(ctx, c, id)
		if err != nil {
			continue
		}
		out = append(out, slackbot.Thumb{URL: s.a.media.ThumbURL(c.WorkspaceID, id, thumbTTL), Alt: present.MediaAlt(m, i, len(ids))})
	}
	return out
}
