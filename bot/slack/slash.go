package slack

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/agents/intent"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
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

// slashRunner runs one kind of /mm command.
type slashRunner func(ctx context.Context, c identity.Caller, channel string, cmd intent.Command) (string, error)

func (b *Bot) slashRunners() map[intent.Kind]slashRunner {
	return map[intent.Kind]slashRunner{
		intent.KindHelp: func(context.Context, identity.Caller, string, intent.Command) (string, error) {
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
	}
}

// collected is a Sink that keeps a turn's text for a response_url answer;
// approvals are posted in the channel, where their buttons work.
type collected struct {
	b                  *Bot
	ctx                context.Context
	workspace, channel string
	text               strings.Builder
}

func (s *collected) Delta(t string)    { s.text.WriteString(t) }
func (s *collected) Progress(Progress) {}
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
// answers with its reply.
func (b *Bot) slashAsk(ctx context.Context, c identity.Caller, channel, text string) (string, error) {
	sink := &collected{b: b, ctx: ctx, workspace: c.WorkspaceID, channel: channel}
	final, err := b.d.Conversations.Run(ctx, c, channel, "slash:"+b.now().UTC().Format(time.RFC3339Nano), text, sink)
	if err != nil {
		return "", err
	}
	if sink.text.Len() > 0 {
		return sink.text.String(), nil
	}
	return final, nil
}

func helpText() string {
	return "*" + Command + " commands*\n" + strings.ReplaceAll(intent.Help(), "• `", "• `"+Command+" ") +
		"For anything else (drafts, ideas, campaigns), mention me or write to me directly."
}

// slash parses and runs /mm text for c: the same tools/ functions as REST.
// A malformed command is answered with the correct usage.
func (b *Bot) slash(ctx context.Context, c identity.Caller, channel, text string) string {
	cmd, err := intent.Parse(text)
	var ue *intent.UsageError
	switch {
	case errors.As(err, &ue):
		return fmt.Sprintf("%s\nUsage: `%s %s`", ue.Problem, Command, intent.Usage(ue.Kind))
	case err != nil:
		return "I do not know that command.\n" + helpText()
	}
	var out string
	switch run := b.slashes[cmd.Kind]; {
	case run != nil:
		out, err = run(ctx, c, channel, cmd)
	case cmd.Kind == intent.KindAnalytics || cmd.Kind == intent.KindBestTime:
		out, err = b.slashAsk(ctx, c, channel, text)
	default:
		return fmt.Sprintf("`%s %s` is not available as a slash command yet; mention me with the same words and I will do it.", Command, cmd.Kind)
	}
	if errors.Is(err, identity.ErrForbidden) {
		return fmt.Sprintf("You are a %s in this workspace, and `%s %s` needs more: %s. Ask a workspace admin if you need it.", c.Role, Command, cmd.Kind, plain(err))
	}
	if err != nil {
		b.log.Warn().Err(err).Str("command", string(cmd.Kind)).Msg("slack: /mm")
		return "That did not work: " + plain(err)
	}
	return out
}

// slashPost publishes now or schedules: a person's explicit command, so no
// approval. Platforms become accounts through tools/publish's resolver: a
// platform's only account or its default; with several and no default, the
// person is told the accounts and how to choose.
func (b *Bot) slashPost(ctx context.Context, c identity.Caller, channel string, cmd intent.Command) (string, error) {
	if err := c.Require(identity.Editor); err != nil {
		return "", fmt.Errorf("%w (viewers cannot post)", err)
	}
	if b.d.Publisher == nil || b.d.Targets == nil {
		return "", errors.New("posting is not available on this server")
	}
	ts, err := b.d.Targets.Resolve(ctx, c, publish.Where{Platforms: cmd.Platforms})
	var ce *publish.ChoiceError
	if errors.As(err, &ce) {
		return choiceText(ce), nil
	}
	if err != nil {
		return "", err
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
			return "", err
		}
		s, err := b.d.Publisher.Schedule(ctx, c, req, at)
		if err == nil {
			ask.record(ctx, s.PostID, channel, "")
		}
		return scheduledText(s, at, err), nil
	}
	o, err := b.d.Publisher.PublishNow(ctx, c, req)
	if err == nil {
		ask.record(ctx, o.PostID, channel, "")
	}
	return outcomeText(o, err), nil
}

func (b *Bot) slashAccounts(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (string, error) {
	if b.d.Accounts == nil {
		return "", errors.New("accounts are not available on this server")
	}
	list, err := b.d.Accounts.List(ctx, c, platform.Name(cmd.Platform))
	if err != nil {
		return "", err
	}
	if len(list) == 0 {
		return fmt.Sprintf("No accounts connected. Try `%s connect linkedin`.", Command), nil
	}
	lines := []string{"*Connected accounts*"}
	for _, a := range list {
		line := fmt.Sprintf("• `%s` %s (%s): %s", a.ID, a.AccountName, a.Platform, a.Status)
		if a.StatusReason != "" {
			line += " (" + a.StatusReason + ")"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), nil
}

func (b *Bot) slashConnect(ctx context.Context, c identity.Caller, channel string, cmd intent.Command) (string, error) {
	if b.d.Accounts == nil {
		return "", errors.New("accounts are not available on this server")
	}
	u, err := b.d.Accounts.Connect(ctx, c, platform.Name(cmd.Platform), accounts.ReturnTo{Kind: "slack", Channel: channel})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("<%s|Connect %s> (the link works once, for 10 minutes). I will say here when it is done.", u, cmd.Platform), nil
}

func (b *Bot) slashDisconnect(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (string, error) {
	if b.d.Accounts == nil {
		return "", errors.New("accounts are not available on this server")
	}
	a, err := b.d.Accounts.Disconnect(ctx, c, cmd.ID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Disconnected %s (%s).", a.AccountName, a.Platform), nil
}

func (b *Bot) slashJobs(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (string, error) {
	if b.d.Jobs == nil {
		return "", errors.New("jobs are not available on this server")
	}
	jobs, _, err := b.d.Jobs.List(ctx, c.WorkspaceID, schedule.Filter{Status: schedule.Status(cmd.Status), Limit: 10})
	if err != nil {
		return "", err
	}
	if len(jobs) == 0 {
		return "No jobs.", nil
	}
	lines := []string{"*Jobs*"}
	for _, j := range jobs {
		line := fmt.Sprintf("• `%s` %s, %s, <!date^%d^{date_short_pretty} {time}|%s>", j.ID, j.Kind, j.Status, j.RunAt.Unix(), j.RunAt.UTC().Format(time.RFC1123))
		if j.LastError != "" {
			line += ": " + j.LastError
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), nil
}

// slashCancel cancels a scheduled post by id, else a job by id.
func (b *Bot) slashCancel(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (string, error) {
	if err := c.Require(identity.Editor); err != nil {
		return "", err
	}
	if b.d.Publisher != nil {
		_, err := b.d.Publisher.Cancel(ctx, c, cmd.ID)
		if err == nil {
			return fmt.Sprintf("Cancelled the scheduled post `%s`.", cmd.ID), nil
		}
		if !errors.Is(err, publish.ErrNotFound) {
			return "", err
		}
	}
	if b.d.Jobs == nil {
		return "", fmt.Errorf("no post or job %s in this workspace", cmd.ID)
	}
	if err := b.d.Jobs.Cancel(ctx, c.WorkspaceID, cmd.ID); err != nil {
		if errors.Is(err, schedule.ErrNotFound) {
			return "", fmt.Errorf("no post or job %s in this workspace", cmd.ID)
		}
		return "", err
	}
	return fmt.Sprintf("Cancelled job `%s`.", cmd.ID), nil
}

func (b *Bot) slashRetry(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (string, error) {
	if b.d.Publisher == nil {
		return "", errors.New("posting is not available on this server")
	}
	o, err := b.d.Publisher.Retry(ctx, c, cmd.ID)
	if err != nil {
		return "", err
	}
	return outcomeText(o, nil), nil
}

// slashToken issues an API token with the caller's role; the answer is
// ephemeral: only the caller sees it.
func (b *Bot) slashToken(ctx context.Context, c identity.Caller, _ string, _ intent.Command) (string, error) {
	if b.d.Tokens == nil {
		return "", errors.New("API tokens are not available on this server")
	}
	t, err := b.d.Tokens.CreateToken(ctx, c.WorkspaceID, c.UserID, c.Role, "slack "+b.now().UTC().Format("2006-01-02"))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Your new API token (%s role), shown only this once:\n`%s`\nSend it as `Authorization: Bearer …`.", c.Role, t.Token), nil
}

// slashDashboard hands the caller a one-time sign-in link to the dashboard
// (valid identity.LinkTTL), privately.
func (b *Bot) slashDashboard(ctx context.Context, c identity.Caller, _ string, _ intent.Command) (string, error) {
	if b.d.SignIn == nil || b.cfg.PublicURL == "" {
		return "", errors.New("the dashboard is not available on this server")
	}
	code, _, err := b.d.SignIn.CreateLink(ctx, c.WorkspaceID, c.UserID, c.Role)
	if err != nil {
		return "", err
	}
	u := strings.TrimSuffix(b.cfg.PublicURL, "/") + "/dashboard/login?code=" + url.QueryEscape(code)
	return fmt.Sprintf("<%s|Open the dashboard> (a one-time link for you, valid %d minutes).", u, int(identity.LinkTTL.Minutes())), nil
}
