package slack

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Conversations is the orchestrator as the door sees it: one turn of the
// conversation (channel, thread) with the caller, watched through sink. It
// returns the reply's text (the streamed deltas, joined); the results
// nobody wrote about reach sink.Card before it returns.
type Conversations interface {
	Run(ctx context.Context, c identity.Caller, channel, thread, text string, sink Sink) (string, error)
}

// Sink is how the door watches a turn.
type Sink interface {
	Delta(text string)
	Progress(p Progress)
	Approval(a Approval)
	// Card is a typed result to show as a card (bot/present) after the
	// text: one nobody wrote about, or one with something to act on.
	Card(v any)
	// Answered says the model has written its whole answer: the door
	// sends it now, not after the turn's bookkeeping.
	Answered()
}

// Progress is a tool's progress in a turn.
type Progress struct {
	Tool   string
	Status string // started, done or failed
	Text   string // "Publishing to LinkedIn…"
}

// Approval is an action the agent wants to take that waits for a person.
type Approval struct {
	ID          string
	RequestedBy string // Slack user id of the conversation's initiator
	Summary     string
	Targets     []Target
	// Options, when set, make it a question to answer before anything can
	// be approved (Summary asks it: which LinkedIn account?).
	Options []Option
	// Warnings are what the checks before approval found (the same text
	// went to an account today): approving is "post anyway".
	Warnings []string
	// Thumbs are the post's stored media, shown as images: Slack fetches
	// each URL (a signed one) itself.
	Thumbs []Thumb
	// MediaIDs are the post's stored media, which an edited post keeps.
	MediaIDs []string
}

// Thumb is an image for Slack to fetch and show, with its alt text.
type Thumb struct{ URL, Alt string }

// Option is one answer to an approval's question: an account, named.
type Option struct {
	AccountID string
	Label     string // "Acme Outdoor (LinkedIn page)"
	Name      string // "Acme Outdoor"
}

// Target is one account an approval would post to.
type Target struct {
	AccountID   string
	Platform    string
	Account     string // the account's name
	Text        string
	Media       []string
	ScheduledAt time.Time // zero: now
}

// thinking is the assistant status while the agent works.
const thinking = "thinking…"

// converse runs one turn for user's message in (channel, thread) and
// writes the reply into the thread (see reply); the files shared with it
// become the conversation's media first.
func (b *Bot) converse(ctx context.Context, teamID, userID, channel, thread, text string, files []sharedFile) {
	log := b.log.With().Str("team", teamID).Str("channel", channel).Str("thread", thread).Logger()
	api, err := b.client(ctx, teamID)
	if err != nil {
		log.Error().Err(err).Msg("slack: conversation")
		return
	}
	c, err := b.caller(ctx, api, teamID, userID, identity.DoorSlack)
	if err != nil {
		log.Error().Err(err).Msg("slack: conversation: who is asking")
		_, _ = b.post(ctx, api, channel, thread, slack.MsgOptionText("Sorry, I could not tell who you are in this workspace; please try again.", false))
		return
	}
	if len(files) > 0 && b.d.Media != nil {
		kept, problems := b.takeFiles(ctx, api, teamID, c, channel, thread, files)
		if text == "" {
			problems = append(problems, filesNoted(kept))
		}
		if said := strings.TrimSpace(strings.Join(problems, "\n")); said != "" {
			_, _ = b.post(ctx, api, channel, thread, slack.MsgOptionText(said, false))
		}
	}
	if text == "" {
		return
	}
	r := newReply(b, api, c, channel, thread)
	r.env = b.env(ctx, api, c)
	final, err := b.d.Conversations.Run(log.WithContext(ctx), c, channel, thread, text, r)
	switch {
	case err != nil:
		// The orchestrator's own words when it has them (the step limit,
		// the model's failure), else ours; the detail stays in the log.
		f := fault.Failure{Kind: fault.Internal, Ref: fault.NewRef()}
		log.Error().Err(err).Str("ref", f.Ref).Msg("slack: conversation turn")
		if final != "" {
			r.Delta("\n\n" + final + " (ref " + f.Ref + ")")
		} else {
			r.Card(f)
		}
	case !r.wrote() && final != "":
		r.Delta(final)
	}
	r.finish(ctx)
}

// status sets (or with "" clears) the assistant thread's status. Outside
// an AI-app thread Slack refuses it; that is not worth more than a debug line.
func (b *Bot) status(ctx context.Context, api *slack.Client, channel, thread, s string) {
	err := b.call(ctx, channel, false, func() error {
		return api.SetAssistantThreadsStatusContext(ctx, slack.AssistantThreadsSetStatusParameters{ChannelID: channel, ThreadTS: thread, Status: s})
	})
	if err != nil {
		b.log.Debug().Err(err).Str("channel", channel).Msg("slack: assistant status")
	}
}

// suggestions are the prompts offered when an assistant thread starts.
var suggestions = []struct{ title, message string }{
	{"Draft a post", "Draft a LinkedIn post announcing our new feature"},
	{"How did we do?", "How did our posts do in the last 7 days?"},
	{"What is scheduled?", "What posts are scheduled this week?"},
}

func (b *Bot) onAssistantThreadStarted(ctx context.Context, teamID string, ev event) {
	at := ev.AssistantThread
	if at.ChannelID == "" || at.ThreadTS == "" {
		return
	}
	api, err := b.client(ctx, teamID)
	if err != nil {
		b.log.Error().Err(err).Msg("slack: assistant thread")
		return
	}
	p := slack.AssistantThreadsSetSuggestedPromptsParameters{Title: "Try one of these", ChannelID: at.ChannelID, ThreadTS: at.ThreadTS}
	for _, s := range suggestions {
		p.AddPrompt(s.title, s.message)
	}
	err = b.call(ctx, at.ChannelID, false, func() error { return api.SetAssistantThreadsSuggestedPromptsContext(ctx, p) })
	if err != nil {
		b.log.Error().Err(err).Msg("slack: suggested prompts")
	}
}
