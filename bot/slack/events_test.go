package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
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
	// A quick answer is one message (TestQuickAnswerIsOneCall).
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Args.Get("thread_ts") != "1700000000.000200" || posts[0].Args.Get("channel") != channel ||
		posts[0].Args.Get("markdown_text") != "Hello there." {
		t.Fatalf("postMessage calls = %+v", posts)
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
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.QuickReply = 20 * time.Millisecond })
	b.fake.DisableStreaming()
	seen := b.fake.Observe()
	long := strings.Repeat("word ", 20)
	b.conv.fn = func(ctx context.Context, sink slack.Sink) (string, error) { // a slow turn
		if err := await(ctx, seen, "assistant.threads.setStatus"); err != nil {
			return "", err
		}
		sink.Delta("Working on it. ")
		if err := await(ctx, seen, "chat.postMessage"); err != nil {
			return "", err
		}
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
	final, _ := b.fake.Message("D1", posts[0].TS())
	want := "Working on it. \n_Publishing to LinkedIn…_\n" + long
	if final != want {
		t.Fatalf("final text %q, want %q (updates %+v)", final, want, updates)
	}
	var statuses []string
	for _, c := range b.fake.Calls("assistant.threads.setStatus") {
		statuses = append(statuses, c.Args.Get("status"))
	}
	// The progress came after the message: only an edit followed it, so
	// it is cleared by a call.
	if want := []string{"thinking…", "Publishing to LinkedIn…", ""}; !slices.Equal(statuses, want) {
		t.Fatalf("statuses = %q, want %q", statuses, want)
	}
}

// TestQuickAnswerIsOneCall: a turn answered within QuickReply is one
// chat.postMessage: no status before it, no stream, nothing cleared after.
func TestQuickAnswerIsOneCall(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.QuickReply = time.Hour })
	b.conv.fn = func(_ context.Context, sink slack.Sink) (string, error) {
		sink.Delta("Last week went **well**: ")
		sink.Delta("12 posts.")
		return "", nil
	}
	b.signed(t, "/slack/events", mention("EvQuick", "U1", "1700000002.000100", "", "how did last week go?"))
	b.bot.Wait()
	var calls []string
	for _, c := range b.fake.Calls() {
		if c.Method != "users.info" { // once per person, cached
			calls = append(calls, c.Method)
		}
	}
	if len(calls) != 1 || calls[0] != "chat.postMessage" {
		t.Fatalf("Web API calls for a quick answer: %v, want [chat.postMessage]", calls)
	}
	p := b.fake.Calls("chat.postMessage")[0]
	if p.Args.Get("markdown_text") != "Last week went **well**: 12 posts." || p.Args.Get("thread_ts") != "1700000002.000100" {
		t.Fatalf("posted %+v", p.Args)
	}
}

// TestAnswerSentBeforeBookkeeping: the answer is posted when the model has
// finished it, while the turn is still being recorded.
func TestAnswerSentBeforeBookkeeping(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.QuickReply = time.Hour })
	seen := b.fake.Observe()
	b.conv.fn = func(ctx context.Context, sink slack.Sink) (string, error) {
		sink.Delta("All done.")
		sink.Answered()
		// The turn's save is still to come: the answer is in the thread.
		return "All done.", await(ctx, seen, "chat.postMessage")
	}
	b.signed(t, "/slack/events", mention("EvEarly", "U1", "1700000005.000100", "", "do it"))
	b.bot.Wait()
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Args.Get("markdown_text") != "All done." {
		t.Fatalf("posts %+v", posts)
	}
}

// TestSlowAnswerShowsStatusAndStreams: a turn slower than QuickReply shows
// "thinking…" (which the reply then clears, as Slack does, with no call of
// its own), and text that keeps coming longer than QuickReply is streamed.
func TestSlowAnswerShowsStatusAndStreams(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.QuickReply = 20 * time.Millisecond })
	seen := b.fake.Observe()
	const thread = "1700000003.000100"
	b.conv.fn = func(ctx context.Context, sink slack.Sink) (string, error) {
		if err := await(ctx, seen, "assistant.threads.setStatus"); err != nil { // the model is still thinking
			return "", err
		}
		if got := b.fake.Status(channel, thread); got != "thinking…" {
			return "", fmt.Errorf("status while thinking %q", got)
		}
		sink.Delta("First part. ")
		if err := await(ctx, seen, "chat.startStream"); err != nil { // the model is still writing
			return "", err
		}
		sink.Delta("Second part.")
		return "", nil
	}
	b.signed(t, "/slack/events", mention("EvSlow", "U1", thread, "", "a long question"))
	b.bot.Wait()
	var calls []string
	for _, c := range b.fake.Calls() {
		if c.Method != "users.info" {
			calls = append(calls, c.Method+" "+c.Args.Get("status")+c.Args.Get("markdown_text"))
		}
	}
	want := []string{"assistant.threads.setStatus thinking…", "chat.startStream First part. ", "chat.appendStream Second part.", "chat.stopStream "}
	if !slices.Equal(calls, want) {
		t.Fatalf("Web API calls %q, want %q", calls, want)
	}
	if s := b.fake.Status(channel, thread); s != "" {
		t.Fatalf("status %q left after the reply", s)
	}
	if msg, _ := b.fake.Message(channel, b.fake.Calls("chat.startStream")[0].TS()); msg != "First part. Second part." {
		t.Fatalf("message %q", msg)
	}
}

// TestSlowTurnWithoutTextClearsStatus: a status no message followed is
// cleared by a call of its own.
func TestSlowTurnWithoutTextClearsStatus(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.QuickReply = 20 * time.Millisecond })
	seen := b.fake.Observe()
	b.conv.fn = func(ctx context.Context, _ slack.Sink) (string, error) {
		return "", await(ctx, seen, "assistant.threads.setStatus")
	}
	b.signed(t, "/slack/events", mention("EvSilent", "U1", "1700000004.000100", "", "nothing to say"))
	b.bot.Wait()
	st := b.fake.Calls("assistant.threads.setStatus")
	if len(st) != 2 || st[0].Args.Get("status") != "thinking…" || st[1].Args.Get("status") != "" {
		t.Fatalf("statuses %+v", st)
	}
	if n := len(b.fake.Calls("chat.postMessage", "chat.startStream")); n != 0 {
		t.Fatalf("%d messages for a turn that said nothing", n)
	}
}

// await waits for the fake to see a successful call of method.
func await(ctx context.Context, seen <-chan slackfake.Call, method string) error {
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case c := <-seen:
			if c.Method == method {
				return nil
			}
		case <-deadline.C:
			return fmt.Errorf("no %s within 10 s", method)
		case <-ctx.Done():
			return ctx.Err()
		}
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
