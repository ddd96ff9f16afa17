package slack

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/intent"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// Jobs is the scheduler as /mm jobs and cancel need it (*schedule.Scheduler).
type Jobs interface {
	List(ctx context.Context, workspaceID string, f schedule.Filter) ([]schedule.Job, string, error)
	Cancel(ctx context.Context, workspaceID, id string) error
}

// Tokens issues REST API tokens (*identity.Service).
type Tokens interface {
	CreateToken(ctx context.Context, workspaceID, userID string, role identity.Role, name string) (identity.CreatedToken, error)
}

// SignIn issues one-time dashboard sign-in links (*identity.Sessions).
type SignIn interface {
	CreateLink(ctx context.Context, workspaceID, userID string, role identity.Role) (string, identity.LoginLink, error)
}

// slashRunner runs one kind of /mm command. Its answer is a typed result
// (rendered by bot/present) or, for the few answers that are only words, a
// string of mrkdwn.
type slashRunner func(ctx context.Context, c identity.Caller, channel string, cmd intent.Command) (any, error)

func (b *Bot) slashRunners() map[intent.Kind]slashRunner {
	return map[intent.Kind]slashRunner{
		intent.KindHelp: func(context.Context, identity.Caller, string, intent.Command) (any, error) {
			return helpText(), nil
		},
		intent.KindPost:       b.slashPost,
		intent.KindSchedule:   b.slashPost,
		intent.KindAccounts:   b.slashAccounts,
		intent.KindConnect:    b.slashConnect,
		intent.KindDisconnect: b.slashDisconnect,
		intent.KindJobs:       b.slashJobs,
		intent.KindCancel:     b.slashCancel,
		intent.KindRetry:      b.slashRetry,
		intent.KindToken:      b.slashToken,
		intent.KindDashboard:  b.slashDashboard,
		intent.KindDefault:    b.slashDefault,
		intent.KindDigest:     b.slashDigest,
		intent.KindInbox:      b.slashInbox,
		intent.KindGroup:      b.slashGroup,
	}
}

// collected is a Sink that keeps a turn's text and cards for a
// response_url answer; approvals are posted in the channel, where their
// buttons work.
type collected struct {
	b                  *Bot
	ctx                context.Context
	workspace, channel string
	text               strings.Builder
	cards              []any
}

func (s *collected) Delta(t string)    { s.text.WriteString(t) }
func (s *collected) Progress(Progress) {}
func (s *collected) Card(v any)        { s.cards = append(s.cards, v) }

// Answered: the one response carries the text and the cards, after both.
func (s *collected) Answered() {}
func (s *collected) Approval(a Approval) {
	api, err := s.b.client(s.ctx, s.workspace)
	if err == nil {
		err = s.b.postApproval(s.ctx, api, s.channel, "", a)
	}
	if err != nil {
		s.b.log.Error().Err(err).Msg("slack: /mm approval")
	}
}

// slashAsk hands what needs the agent's tools (analytics, the best time
// to post) to the conversation, as the same words in a message would, and
// answers with its reply: the text, else the results.
func (b *Bot) slashAsk(ctx context.Context, c identity.Caller, channel, text string) (any, error) {
	sink := &collected{b: b, ctx: ctx, workspace: c.WorkspaceID, channel: channel}
	final, err := b.d.Conversations.Run(ctx, c, channel, "slash:"+b.now().UTC().Format(time.RFC3339Nano), text, sink)
	if err != nil {
		return nil, err
	}
	if sink.text.Len() > 0 || len(sink.cards) == 0 {
		if sink.text.Len() > 0 {
			final = sink.text.String()
		}
		return slashAnswer{text: final, cards: sink.cards}, nil
	}
	return slashAnswer{cards: sink.cards}, nil
}

// slashAnswer is words and cards together.
type slashAnswer struct {
	text  string
	cards []any
}

func helpText() string {
	return "*" + Command + " commands*\n" + strings.ReplaceAll(intent.Help(), "• `", "• `"+Command+" ") +
		"For anything else (drafts, ideas, campaigns), mention me or write to me directly."
}

// slash parses and runs /mm text for c: the same tools/ functions as REST.
// A malformed command is answered with the correct usage; a failure says
// whose fault it is and what to do, its detail logged under a reference.
func (b *Bot) slash(ctx context.Context, c identity.Caller, env present.Env, channel, text string) present.Slack {
	cmd, err := intent.Parse(text)
	var ue *intent.UsageError
	switch {
	case errors.As(err, &ue):
		return present.Slack{Text: fmt.Sprintf("%s\nUsage: `%s %s`", ue.Problem, Command, intent.Usage(ue.Kind))}
	case err != nil:
		var sb strings.Builder
		sb.WriteString("I do not know that command. The closest:\n")
		for _, s := range intent.ClosestCommands(text, 3) {
			fmt.Fprintf(&sb, "• `%s %s`: %s\n", Command, s.Example, s.About)
		}
		return present.Slack{Text: sb.String() + "`" + Command + " help` lists them all."}
	}
	var out any
	switch run := b.slashes[cmd.Kind]; {
	case run != nil:
		out, err = run(ctx, c, channel, cmd)
	case cmd.Kind == intent.KindAnalytics && b.d.Analytics != nil && cmd.Platform == "":
		out, err = b.slashReview(ctx, c, channel, cmd)
	case cmd.Kind == intent.KindBestTime && b.d.Analytics != nil:
		out, err = b.slashBest(ctx, c, channel, cmd)
	case cmd.Kind == intent.KindAnalytics || cmd.Kind == intent.KindBestTime:
		out, err = b.slashAsk(ctx, c, channel, text)
	default:
		return present.Slack{Text: fmt.Sprintf("`%s %s` is not available as a slash command yet; mention me with the same words and I will do it.", Command, cmd.Kind)}
	}
	if errors.Is(err, identity.ErrForbidden) {
		return present.Slack{Text: fmt.Sprintf("You are a %s in this workspace, and `%s %s` needs more: ask a workspace admin, or for the editor role.", c.Role, Command, cmd.Kind)}
	}
	var say *sayError
	switch {
	case errors.As(err, &say):
		return present.Slack{Text: say.words}
	case err != nil:
		f := fault.Of(err, b.now())
		f.Ref = fault.NewRef()
		b.log.Warn().Err(err).Str("command", string(cmd.Kind)).Str("ref", f.Ref).Msg("slack: /mm")
		out = f
	}
	return b.slackAnswer(env, out)
}

// slackAnswer renders a runner's answer: words as they are, results
// through bot/present, one after the other.
func (b *Bot) slackAnswer(env present.Env, out any) present.Slack {
	switch v := out.(type) {
	case string:
		return present.Slack{Text: v}
	case slashAnswer:
		var msg present.Slack
		if v.text != "" {
			msg.Text = v.text
			msg.Blocks = append(msg.Blocks, slack.NewSectionBlock(mrkdwn(v.text), nil, nil))
		}
		for _, c := range v.cards {
			s := b.present.Slack(env, c)
			if msg.Text == "" {
				msg.Text = s.Text
			}
			msg.Blocks = append(msg.Blocks, s.Blocks...)
		}
		return msg
	}
	return b.present.Slack(env, out)
}

// sayError is a refusal the door words itself (a missing account).
type sayError struct{ words string }

func (e *sayError) Error() string { return e.words }

// slashPost publishes now or schedules: a person's explicit command, so no
// approval. Platforms become accounts through tools/publish's resolver: a
// platform's only account or its default; with several and no default, the
// person is told the accounts and how to choose.
func (b *Bot) slashPost(ctx context.Context, c identity.Caller, channel string, cmd intent.Command) (any, error) {
	if err := c.Require(identity.Editor); err != nil {
		return nil, fmt.Errorf("%w (viewers cannot post)", err)
	}
	if b.d.Publisher == nil || b.d.Targets == nil {
		return "Posting is not available on this server.", nil
	}
	ts, err := b.d.Targets.Resolve(ctx, c, publish.Where{Platforms: cmd.Platforms})
	var ce *publish.ChoiceError
	var ve *publish.ValidationError
	switch {
	case errors.As(err, &ce):
		return choiceText(ce), nil
	case errors.As(err, &ve):
		return nil, &sayError{words: upperFirst(joinProblems(ve.Problems)) + "."}
	case err != nil:
		return nil, err
	}
	req := publish.Request{Content: publish.Content{Text: cmd.Text, Link: cmd.Link, ImageURLs: cmd.ImageURLs, VideoURL: cmd.VideoURL}}
	for _, t := range ts {
		req.AccountIDs = append(req.AccountIDs, t.AccountID)
	}
	ask := b.startAsk(c.WorkspaceID)
	defer ask.end()
	if cmd.Kind == intent.KindSchedule {
		at, err := b.d.Publisher.ParseTime(ctx, c, cmd.When)
		if err != nil {
			return nil, err
		}
		s, err := b.d.Publisher.Schedule(ctx, c, req, at)
		if err != nil {
			return nil, err
		}
		ask.record(ctx, s.PostID, channel, "")
		return b.scheduled(ctx, c, s), nil
	}
	o, err := b.d.Publisher.PublishNow(ctx, c, req)
	if err != nil {
		return nil, err
	}
	ask.record(ctx, o.PostID, channel, "")
	return o, nil
}

// scheduled is a scheduling's answer: the post as it now stands, else
// what Schedule said.
func (b *Bot) scheduled(ctx context.Context, c identity.Caller, s publish.Scheduled) any {
	if p, err := b.d.Publisher.Get(ctx, c, s.PostID); err == nil {
		return p
	}
	return s
}

func (b *Bot) slashAccounts(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (any, error) {
	if b.d.Accounts == nil {
		return "Accounts are not available on this server.", nil
	}
	return b.d.Accounts.List(ctx, c, platform.Name(cmd.Platform))
}

func (b *Bot) slashConnect(ctx context.Context, c identity.Caller, channel string, cmd intent.Command) (any, error) {
	if b.d.Accounts == nil {
		return "Accounts are not available on this server.", nil
	}
	u, err := b.d.Accounts.Connect(ctx, c, platform.Name(cmd.Platform), accounts.ReturnTo{Kind: "slack", Channel: channel})
	if err != nil {
		return nil, err
	}
	return fmt.Sprintf("<%s|Connect %s> (the link works once, for 10 minutes). I will say here when it is done.", u, platform.Name(cmd.Platform).Label()), nil
}

func (b *Bot) slashDisconnect(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (any, error) {
	if b.d.Accounts == nil {
		return "Accounts are not available on this server.", nil
	}
	return b.d.Accounts.Disconnect(ctx, c, cmd.ID)
}

func (b *Bot) slashJobs(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (any, error) {
	if b.d.Jobs == nil {
		return "Jobs are not available on this server.", nil
	}
	jobs, _, err := b.d.Jobs.List(ctx, c.WorkspaceID, schedule.Filter{Status: schedule.Status(cmd.Status), Limit: 10})
	if err != nil {
		return nil, err
	}
	views := make([]agents.JobView, 0, len(jobs))
	for _, j := range jobs {
		views = append(views, agents.JobView{ID: j.ID, Type: j.Kind, Status: j.Status, RunAt: j.RunAt, Attempts: j.Attempts, LastError: j.LastError})
	}
	return views, nil
}

// slashCancel cancels a scheduled post by id, else a job by id.
func (b *Bot) slashCancel(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (any, error) {
	return b.cancel(ctx, c, cmd.ID)
}

// cancel cancels a scheduled post by id, else a job by id: /mm cancel and
// the Cancel button.
func (b *Bot) cancel(ctx context.Context, c identity.Caller, id string) (agents.CancelResult, error) {
	if err := c.Require(identity.Editor); err != nil {
		return agents.CancelResult{}, err
	}
	if b.d.Publisher != nil {
		p, err := b.d.Publisher.Cancel(ctx, c, id)
		if err == nil {
			return agents.CancelResult{Cancelled: "post", ID: id, Post: &p}, nil
		}
		if !errors.Is(err, publish.ErrNotFound) {
			return agents.CancelResult{}, err
		}
	}
	nothing := &sayError{words: "There is no scheduled post or job by that name in this workspace; `" + Command + " jobs` lists them."}
	if b.d.Jobs == nil {
		return agents.CancelResult{}, nothing
	}
	if err := b.d.Jobs.Cancel(ctx, c.WorkspaceID, id); err != nil {
		if errors.Is(err, schedule.ErrNotFound) {
			return agents.CancelResult{}, nothing
		}
		return agents.CancelResult{}, err
	}
	return agents.CancelResult{Cancelled: "job", ID: id, Status: schedule.StatusCancelled}, nil
}

func (b *Bot) slashRetry(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (any, error) {
	if b.d.Publisher == nil {
		return "Posting is not available on this server.", nil
	}
	return b.d.Publisher.Retry(ctx, c, cmd.ID)
}

// slashToken issues an API token with the caller's role; the answer is
// ephemeral: only the caller sees it.
func (b *Bot) slashToken(ctx context.Context, c identity.Caller, _ string, _ intent.Command) (any, error) {
	if b.d.Tokens == nil {
		return "API tokens are not available on this server.", nil
	}
	t, err := b.d.Tokens.CreateToken(ctx, c.WorkspaceID, c.UserID, c.Role, "slack "+b.now().UTC().Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	return fmt.Sprintf("Your new API token (%s role), shown only this once:\n`%s`\nSend it as `Authorization: Bearer …`.", c.Role, t.Token), nil
}

// slashDashboard hands the caller a one-time sign-in link to the dashboard
// (valid identity.LinkTTL), privately.
func (b *Bot) slashDashboard(ctx context.Context, c identity.Caller, _ string, _ intent.Command) (any, error) {
	if b.d.SignIn == nil || b.cfg.PublicURL == "" {
		return "The dashboard is not available on this server.", nil
	}
	code, _, err := b.d.SignIn.CreateLink(ctx, c.WorkspaceID, c.UserID, c.Role)
	if err != nil {
		return nil, err
	}
	u := strings.TrimSuffix(b.cfg.PublicURL, "/") + "/dashboard/login?code=" + url.QueryEscape(code)
	return fmt.Sprintf("<%s|Open the dashboard> (a one-time link for you, valid %d minutes).", u, int(identity.LinkTTL.Minutes())), nil
}
