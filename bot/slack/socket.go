package slack

import (
	"context"
	"errors"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// SocketMode reports whether the door runs over Socket Mode (an app token
// is set) rather than the Events API.
func (b *Bot) SocketMode() bool { return b.cfg.AppToken != "" }

// RunSocketMode connects over Socket Mode and serves events, slash
// commands and interactions until ctx ends. Every envelope is
// acknowledged; the client reconnects after Slack drops the connection, and
// a failed connect is tried again with a growing pause (up to 30 s).
func (b *Bot) RunSocketMode(ctx context.Context) error {
	if b.cfg.AppToken == "" {
		return errors.New("slack: Socket Mode needs an app token (SLACK_APP_TOKEN)")
	}
	api := slack.New(b.cfg.BotToken, slack.OptionAppLevelToken(b.cfg.AppToken), slack.OptionAPIURL(b.cfg.APIURL), slack.OptionHTTPClient(b.d.HTTP))
	sm := socketmode.New(api)
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.consume(ctx, sm)
	}()
	pause := time.Second
	for {
		err := sm.RunContext(ctx)
		if ctx.Err() != nil {
			<-done
			return nil
		}
		b.log.Warn().Err(err).Dur("retry_in", pause).Msg("slack: Socket Mode connection failed")
		if err := sleepUntil(ctx, time.Now, time.Now().Add(pause)); err != nil {
			<-done
			return nil
		}
		pause = min(pause*2, 30*time.Second)
	}
}

// consume handles the Socket Mode client's events.
func (b *Bot) consume(ctx context.Context, sm *socketmode.Client) {
	for {
		select {
		case <-ctx.Done():
			return
		case evt := <-sm.Events:
			b.socketEvent(ctx, sm, evt)
		}
	}
}

func (b *Bot) socketEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	if evt.Request == nil || evt.Request.EnvelopeID == "" { // hello, disconnect and the client's own events
		if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			b.log.Warn().Err(ce.ErrorObj).Int("attempt", ce.Attempt).Msg("slack: Socket Mode connection")
			return
		}
		b.log.Debug().Str("type", string(evt.Type)).Msg("slack: Socket Mode")
		return
	}
	var payload any
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		if _, err := b.acceptEvents(evt.Request.Payload); err != nil {
			b.log.Warn().Err(err).Msg("slack: Socket Mode event")
		}
	case socketmode.EventTypeSlashCommand:
		if cmd, ok := evt.Data.(slack.SlashCommand); ok {
			payload = b.command(cmd)
		}
	case socketmode.EventTypeInteractive:
		if ic, ok := evt.Data.(slack.InteractionCallback); ok {
			payload = b.interact(ic)
		}
	}
	var err error
	if payload != nil {
		err = sm.AckCtx(ctx, evt.Request.EnvelopeID, payload)
	} else {
		err = sm.AckCtx(ctx, evt.Request.EnvelopeID, nil)
	}
	if err != nil {
		b.log.Warn().Err(err).Msg("slack: Socket Mode ack")
	}
}
