package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack"
)

func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

func TestSocketMode(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.SigningSecret, c.AppToken = "", "xapp-test-app" })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.bot.RunSocketMode(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := waitFor(t, done, "Socket Mode to stop"); err != nil {
			t.Errorf("RunSocketMode: %v", err)
		}
	})

	event := func(id, ts string) json.RawMessage { return mention(id, "U1", ts, "", "over the socket") }
	deliver := func(envelope string, payload json.RawMessage) {
		t.Helper()
		if err := b.fake.SendEnvelope("events_api", envelope, payload); err != nil {
			t.Fatal(err)
		}
		if ack := waitFor(t, b.fake.Acks(), "ack of "+envelope); ack.EnvelopeID != envelope {
			t.Fatalf("ack of %q, want %q", ack.EnvelopeID, envelope)
		}
		b.bot.Wait()
	}

	if n := waitFor(t, b.fake.Connected(), "the first connection"); n != 1 {
		t.Fatalf("connection %d", n)
	}
	deliver("env-1", event("EvS1", "1700000600.000100"))
	deliver("env-2", event("EvS1", "1700000600.000100")) // Slack's retry of the same event
	if turns := b.conv.got(); len(turns) != 1 || turns[0].text != "over the socket" || turns[0].thread != "1700000600.000100" {
		t.Fatalf("turns = %+v", turns)
	}

	b.fake.DropSockets()
	if n := waitFor(t, b.fake.Connected(), "the reconnection"); n != 2 {
		t.Fatalf("connection %d, want 2", n)
	}
	deliver("env-3", event("EvS2", "1700000601.000100"))
	if turns := b.conv.got(); len(turns) != 2 {
		t.Fatalf("%d turns after reconnecting, want 2", len(turns))
	}

	ts := b.fake.Calls("chat.postMessage", "chat.startStream")[0].TS() // the reply
	interactive, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]string{"id": team}, "user": map[string]string{"id": "U1"},
		"channel": map[string]string{"id": channel}, "container": map[string]string{"message_ts": ts, "channel_id": channel},
		"actions": []map[string]string{{"action_id": "mm_approve", "block_id": "approval", "type": "button", "value": launch.ID}},
	})
	if err := b.fake.SendEnvelope("interactive", "env-4", json.RawMessage(interactive)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, b.fake.Acks(), "ack of the interaction")
	b.bot.Wait()
	if b.gate.runs(launch.ID) != 1 {
		t.Fatal("the approval clicked over the socket did not run")
	}

	command := map[string]string{"team_id": team, "channel_id": channel, "user_id": "U1", "command": "/mm", "text": "accounts", "response_url": b.fake.ResponseURL("sock")}
	if err := b.fake.SendEnvelope("slash_commands", "env-5", command); err != nil {
		t.Fatal(err)
	}
	ack := waitFor(t, b.fake.Acks(), "ack of the slash command")
	if ack.EnvelopeID != "env-5" || !strings.Contains(string(ack.Payload), "Working on") {
		t.Fatalf("slash command ack %s %s", ack.EnvelopeID, ack.Payload)
	}
	b.bot.Wait()
	if rs := b.fake.Responses(); len(rs) != 1 || !strings.Contains(fmt.Sprint(texts(rs[0].Message)), "Acme") {
		t.Fatalf("slash command responses = %+v", rs)
	}
}
