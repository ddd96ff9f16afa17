package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack"
)

// TestWorkIsBounded sends 10 mentions while every turn is stuck: 2 run, 3
// wait in the queue, and the other 5 are refused at once, their writers
// told privately that the message was not taken; the acks never wait.
func TestWorkIsBounded(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.Workers, c.Queue = 2, 3 })
	b.conv.fn = func(ctx context.Context, sink slack.Sink) (string, error) {
		started <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		sink.Delta("done")
		return "done", nil
	}
	for i := range 2 { // the workers are busy
		if resp := b.signed(t, "/slack/events", mention(fmt.Sprintf("EvB%d", i), "U1", fmt.Sprintf("1700000100.%06d", i), "", "hi")); resp.StatusCode != http.StatusOK {
			t.Fatalf("event %d: status %d", i, resp.StatusCode)
		}
		<-started
	}
	for i := 2; i < 10; i++ {
		if resp := b.signed(t, "/slack/events", mention(fmt.Sprintf("EvB%d", i), "U1", fmt.Sprintf("1700000100.%06d", i), "", "hi")); resp.StatusCode != http.StatusOK {
			t.Fatalf("event %d: status %d", i, resp.StatusCode)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(b.fake.Calls("chat.postEphemeral")) < 5 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	b.bot.Wait()
	if n := len(b.conv.got()); n != 5 {
		t.Fatalf("%d turns ran, want 5 (2 workers + a queue of 3)", n)
	}
	told := b.fake.Calls("chat.postEphemeral")
	if len(told) != 5 {
		t.Fatalf("%d refusals told, want 5", len(told))
	}
	for _, c := range told {
		if c.Args.Get("user") != "U1" || c.Args.Get("channel") != channel || c.Args.Get("text") == "" {
			t.Fatalf("refusal told as %+v", c.Args)
		}
	}
}

// TestSlashRefusedWhenBusy: a /mm past the queue is refused in its ack.
func TestSlashRefusedWhenBusy(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.Workers, c.Queue = 1, 1 })
	b.conv.fn = func(ctx context.Context, sink slack.Sink) (string, error) {
		started <- struct{}{}
		<-release
		return "done", nil
	}
	b.signed(t, "/slack/events", mention("EvS1", "U1", "1700000200.000001", "", "hi"))
	<-started
	b.signed(t, "/slack/events", mention("EvS2", "U1", "1700000200.000002", "", "hi")) // queued
	resp := b.signed(t, "/slack/commands", slashBody(b, "U1", "accounts", "busy1"))
	var msg struct{ Text string }
	if err := json.NewDecoder(resp.Body).Decode(&msg); err != nil || msg.Text == "" || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %+v, %v", resp.StatusCode, msg, err)
	}
	close(release)
	b.bot.Wait()
	if len(b.fake.Responses()) != 0 {
		t.Fatalf("a refused /mm was answered later: %+v", b.fake.Responses())
	}
	if want := "could not take"; !strings.Contains(msg.Text, want) {
		t.Fatalf("ack %q does not say it was refused", msg.Text)
	}
}
