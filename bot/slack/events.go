package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// errBadPayload marks a request Slack would not send: a 400.
var errBadPayload = errors.New("slack: bad payload")

// envelope is the outer Events API body (the payload of a Socket Mode
// events_api envelope too).
type envelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	TeamID    string          `json:"team_id"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// event is the inner event: the fields of every type the door handles.
type event struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Text        string `json:"text"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	// Files are the files shared with the message (subtype file_share,
	// or an app_mention with files).
	Files           []sharedFile `json:"files"`
	Tab             string       `json:"tab"`
	AssistantThread struct {
		UserID    string `json:"user_id"`
		ChannelID string `json:"channel_id"`
		ThreadTS  string `json:"thread_ts"`
	} `json:"assistant_thread"`
}

// eventHandler handles one inner event type after the ack.
type eventHandler func(ctx context.Context, teamID string, ev event)

func (b *Bot) eventHandlers() map[string]eventHandler {
	return map[string]eventHandler{
		"app_mention":              b.onMention,
		"message":                  b.onMessage,
		"assistant_thread_started": b.onAssistantThreadStarted,
		"app_home_opened":          b.onHomeOpened,
	}
}

// acceptEvents reads an Events API body: it returns the challenge of a
// url_verification, and for an event callback starts its handling after
// the ack, which first remembers its event_id in the store: a delivery seen
// before (a retry, here or on another replica) is dropped there.
func (b *Bot) acceptEvents(body []byte) (string, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return "", fmt.Errorf("%w: %v", errBadPayload, err)
	}
	switch env.Type {
	case "url_verification":
		if env.Challenge == "" {
			return "", fmt.Errorf("%w: url_verification without a challenge", errBadPayload)
		}
		return env.Challenge, nil
	case "app_rate_limited":
		b.log.Warn().Str("team", env.TeamID).Msg("slack: Slack is dropping this app's events for a minute (app_rate_limited)")
		return "", nil
	case "event_callback":
		return "", b.acceptCallback(env)
	}
	return "", fmt.Errorf("%w: unknown type %q", errBadPayload, env.Type)
}

func (b *Bot) acceptCallback(env envelope) error {
	if env.EventID == "" || env.TeamID == "" {
		return fmt.Errorf("%w: an event callback needs event_id and team_id", errBadPayload)
	}
	var ev event
	if err := json.Unmarshal(env.Event, &ev); err != nil {
		return fmt.Errorf("%w: event: %v", errBadPayload, err)
	}
	h := b.handlers[ev.Type]
	if h == nil {
		b.log.Debug().Str("type", ev.Type).Msg("slack: event type not handled")
		return nil
	}
	if ev.Type == "message" && ev.ChannelType != "im" && !inboxCandidate(ev) && !b.threadShare(ev) {
		return nil // a channel message is only an answer in an inbox item's thread, or files shared in a thread
	}
	taken := b.later(func(ctx context.Context) {
		first, err := b.firstDelivery(ctx, "event:"+env.EventID)
		if err != nil { // better a possible second reply than a lost message
			b.log.Error().Err(err).Str("event", env.EventID).Msg("slack: cannot check for a repeated delivery; handling it")
		} else if !first {
			return
		}
		h(ctx, env.TeamID, ev)
	})
	if !taken {
		b.log.Warn().Str("team", env.TeamID).Str("event", env.EventID).Str("type", ev.Type).Int("queue", b.cfg.Queue).
			Msg("slack: too much work queued; event refused")
		b.notTaken(env.TeamID, ev)
	}
	return nil
}

// busyText tells a person their message was refused under load.
const busyText = ":hourglass: I have too much to do right now and could not take this message. Please send it again in a minute."

// notTaken tells the person who wrote ev that it was refused, when it was a
// person's message, through one worker with a short queue of its own: past
// that only the log says so.
func (b *Bot) notTaken(teamID string, ev event) {
	if !fromPerson(ev) || (ev.Type != "app_mention" && ev.ChannelType != "im") {
		return
	}
	thread := ev.ThreadTS
	if thread == "" {
		thread = ev.TS
	}
	b.run(b.sorry, func(ctx context.Context) {
		api, err := b.client(ctx, teamID)
		if err == nil {
			_, err = api.PostEphemeralContext(ctx, ev.Channel, ev.User, slack.MsgOptionText(busyText, false), slack.MsgOptionTS(thread))
		}
		if err != nil {
			b.log.Warn().Err(err).Str("team", teamID).Msg("slack: tell a refused event")
		}
	})
}

// firstDelivery remembers key for SeenFor and reports whether it is new;
// the keys of deliveries arriving together are committed together.
func (b *Bot) firstDelivery(ctx context.Context, key string) (bool, error) {
	first, err := b.seen.do(ctx, key, b.rememberAll)
	if err != nil {
		return false, err
	}
	if !first {
		b.log.Debug().Str("key", key).Msg("slack: delivery seen before, dropped")
	}
	return first, nil
}

// fromPerson reports whether ev was written by a person: the door's own
// messages and other bots' are ignored, and so are edits, joins and the
// other message subtypes (no loops); a file share is a person's message.
func fromPerson(ev event) bool {
	return ev.User != "" && ev.BotID == "" && (ev.Subtype == "" || ev.Subtype == "file_share")
}

// mentionText drops the bot's mention from an app_mention's text.
func mentionText(s string) string {
	for {
		i := strings.Index(s, "<@")
		if i < 0 {
			return strings.TrimSpace(s)
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return strings.TrimSpace(s)
		}
		s = s[:i] + s[i+j+1:]
	}
}

func (b *Bot) onMention(ctx context.Context, teamID string, ev event) {
	if !fromPerson(ev) {
		return
	}
	if b.inboxThread(ctx, teamID, ev, mentionText(ev.Text), true) {
		return
	}
	thread := ev.ThreadTS
	if thread == "" {
		thread = ev.TS
	}
	files := append(b.earlierFiles(ctx, teamID, ev), ev.Files...)
	b.converse(ctx, teamID, ev.User, ev.Channel, thread, mentionText(ev.Text), files)
}

// onMessage handles direct messages (message.im) and, in channels, the
// answers written in an inbox item's thread and the files shared in a
// thread; other channel messages reach the door as app_mention.
func (b *Bot) onMessage(ctx context.Context, teamID string, ev event) {
	if !fromPerson(ev) {
		return
	}
	if ev.ChannelType != "im" {
		if !b.inboxThread(ctx, teamID, ev, ev.Text, false) && b.threadShare(ev) {
			b.onThreadShare(ctx, teamID, ev)
		}
		return
	}
	thread := ev.ThreadTS
	if thread == "" {
		thread = ev.TS
	}
	b.converse(ctx, teamID, ev.User, ev.Channel, thread, strings.TrimSpace(ev.Text), ev.Files)
}
