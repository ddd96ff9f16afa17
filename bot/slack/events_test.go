package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack"
)

func TestSignatureRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := mention("Ev1", "U1", "1700000000.000100", "", "hello")
	now := time.Now()
	cases := []struct {
		name   string
		header func() http.Header
		body   []byte
	}{
		{"missing headers", func() http.Header { return http.Header{} }, body},
		{"wrong secret", func() http.Header { return sign("other-secret", now, body) }, body},
		{"stale timestamp", func() http.Header { return sign(secret, now.Add(-6*time.Minute), body) }, body},
		{"future timestamp", func() http.Header { return sign(secret, now.Add(6*time.Minute), body) }, body},
		{"tampered body", func() http.Header { return sign(secret, now, body) }, []byte(strings.Replace(string(body), "hello", "HELLO", 1))},
		{"malformed signature", func() http.Header {
			h := sign(secret, now, body)
			h.Set("X-Slack-Signature", "v1=abc")
			return h
		}, body},
	}
	for _, path := range []string{"/slack/events", "/slack/interactivity"} {
		for _, tc := range cases {
			resp := b.send(t, path, tc.body, tc.header())
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s: status %d, want 401", path, tc.name, resp.StatusCode)
			}
		}
	}
	b.bot.Wait()
	if n := len(b.conv.got()); n != 0 {
		t.Fatalf("%d turns ran for refused requests", n)
	}
	if calls := b.fake.Calls(); len(calls) != 0 {
		t.Fatalf("refused requests reached Slack: %+v", calls)
	}
}

func TestURLVerification(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp := b.signed(t, "/slack/events", []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`))
	var got struct{ Challenge string }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 || got.Challenge != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("status %d, challenge %q, %v", resp.StatusCode, got.Challenge, err)
	}
	for name, body := range map[string]string{
		"no challenge":   `{"type":"url_verification"}`,
		"not JSON":       `{"type":`,
		"unknown type":   `{"type":"something_else"}`,
		"no event id":    `{"type":"event_callback","team_id":"T1","event":{"type":"app_mention"}}`,
		"event not JSON": `{"type":"event_callback","team_id":"T1","event_id":"E","event":"x"}`,
	} {
		if resp := b.signed(t, "/slack/events", []byte(body)); resp.StatusCode != http.StatusBadRequest {
			msg, _ := io.ReadAll(resp.Body)
			t.Errorf("%s: status %d (%s), want 400", name, resp.StatusCode, msg)
		}
	}
}

func TestMentionRepliesOnceInThread(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := mention("Ev100", "U1", "1700000000.000200", "", "what is scheduled?")
	for i := range 3 { // the event, then two retries
		h := sign(secret, time.Now(), body)
		if i > 0 {
			h.Set("X-Slack-Retry-Num", fmt.Sprint(i))
			h.Set("X-Slack-Retry-Reason", "http_timeout")
		}
		if resp := b.send(t, "/slack/events", body, h); resp.StatusCode != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i, resp.StatusCode)
		}
	}
	b.bot.Wait()
	turns := b.conv.got()
	if len(turns) != 1 {
		t.Fatalf("%d turns, want 1", len(turns))
	}
	tr := turns[0]
	if tr.text != "what is scheduled?" || tr.thread != "1700000000.000200" || tr.channel != channel || tr.caller.WorkspaceID != team || tr.caller.UserID != "U1" {
		t.Fatalf("turn = %+v", tr)
	}
	starts := b.fake.Calls("chat.startStream")
	if len(starts) != 1 || starts[0].Args.Get("thread_ts") != "1700000000.000200" || starts[0].Args.Get("channel") != channel {
		t.Fatalf("startStream calls = %+v", starts)
	}
	if n := len(b.fake.Calls("chat.stopStream")); n != 1 {
		t.Fatalf("%d stopStream calls, want 1", n)
	}
	text := ""
	for _, c := range b.fake.Calls("chat.startStream", "chat.appendStream") {
		text += c.Args.Get("markdown_text")
	}
	if text != "Hello there." {
		t.Fatalf("streamed %q", text)
	}
	if n := len(b.fake.Calls("chat.postMessage")); n != 0 {
		t.Fatalf("%d extra messages", n)
	}
	// Once more, as another replica would see it.
	b2 := setupOn(t, b)
	b2.signed(t, "/slack/events", body)
	b2.bot.Wait()
	if n := len(b2.conv.got()); n != 0 {
		t.Fatalf("another replica ran the event again (%d turns)", n)
	}
}

func TestDirectMessageWithoutStreaming(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.DisableStreaming()
	long := strings.Repeat("word ", 20)
	b.conv.fn = func(_ context.Context, sink slack.Sink) (string, error) {
		sink.Delta("Working on it. ")
		sink.Progress(slack.Progress{Tool: "publish_post", Status: "started", Text: "Publishing to LinkedIn…"})
		sink.Delta(long)
		return "", nil
	}
	body := []byte(`{"type":"event_callback","team_id":"T1","event_id":"Ev200","event":{"type":"message","channel_type":"im","user":"U2","text":"post it","ts":"1700000001.000100","channel":"D1"}}`)
	b.signed(t, "/slack/events", body)
	b.bot.Wait()
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Args.Get("thread_ts") != "1700000001.000100" {
		t.Fatalf("posts = %+v", posts)
	}
	updates := b.fake.Calls("chat.update")
	final := posts[0].Args.Get("text")
	if len(updates) > 0 {
		final = updates[len(updates)-1].Args.Get("text")
	}
	want := "Working on it. \n_Publishing to LinkedIn…_\n" + long
	if final != want {
		t.Fatalf("final text %q, want %q", final, want)
	}
	statuses := b.fake.Calls("assistant.threads.setStatus")
	if len(statuses) < 3 || statuses[0].Args.Get("status") != "thinking…" || statuses[len(statuses)-1].Args.Get("status") != "" {
		t.Fatalf("statuses = %+v", statuses)
	}
}

func TestIgnoresBotsAndOtherMessages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i, ev := range []string{
		`{"type":"app_mention","user":"U1","bot_id":"B1","text":"<@UBOT> hi","ts":"1.1","channel":"C1"}`,
		`{"type":"message","channel_type":"im","bot_id":"BSELF","text":"my own reply","ts":"1.2","channel":"D1"}`,
		`{"type":"message","channel_type":"im","subtype":"message_changed","user":"U1","ts":"1.3","channel":"D1"}`,
		`{"type":"message","channel_type":"channel","user":"U1","text":"chatter","ts":"1.4","channel":"C1"}`,
		`{"type":"reaction_added","user":"U1"}`,
	} {
		body := fmt.Sprintf(`{"type":"event_callback","team_id":"T1","event_id":"EvIgnore%d","event":%s}`, i, ev)
		if resp := b.signed(t, "/slack/events", []byte(body)); resp.StatusCode != http.StatusOK {
			t.Fatalf("event %d: status %d", i, resp.StatusCode)
		}
	}
	b.bot.Wait()
	if n := len(b.conv.got()); n != 0 {
		t.Fatalf("%d turns for bot or irrelevant messages", n)
	}
	if calls := b.fake.Calls(); len(calls) != 0 {
		t.Fatalf("calls made: %+v", calls)
	}
}
