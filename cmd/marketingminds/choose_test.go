package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// slackThread is the Slack door over the whole app (offline planner, the
// sandbox, a fresh SQLite store) against a fake Slack Web API.
type slackThread struct {
	t    *testing.T
	fake *slackfake.Fake
	sb   *sandbox.Sandbox
	srv  *httptest.Server
	wait func()
	n    int
}

const threadSecret = "thread-signing-secret"

func newSlackThread(t *testing.T) *slackThread {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{})
	fake := slackfake.New("xoxb-thread")
	t.Cleanup(fake.Close)
	fake.AddChannels("C1")
	fake.AddUser(slackfake.User{ID: "U1", Name: "ana", DisplayName: "Ana", TZ: "Europe/Berlin"})
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"MM_DATA_DIR": t.TempDir(), "SLACK_SIGNING_SECRET": threadSecret, "SLACK_BOT_TOKEN": "xoxb-thread",
			"SLACK_API_URL": fake.URL()}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.PublicURL = "http://localhost:8080"
	ctx, cancel := context.WithCancel(context.Background())
	db, err := openStore(ctx, cfg, zerolog.Nop(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, db, zerolog.Nop(), sb.URL, schedule.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bot, err := a.slackDoor(ctx, cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", bot.Events)
	mux.HandleFunc("POST /slack/interactivity", bot.Interactivity)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		cancel()
		bot.Wait()
		db.Close(context.Background())
	})
	// LinkedIn's consent in the sandbox reveals Sam's profile and the two
	// company pages Sam administers: three LinkedIn accounts.
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorSlack}
	if got := connectInSandbox(t, ctx, a, editor, platform.LinkedIn); len(got) != 3 {
		t.Fatalf("connect LinkedIn: %d accounts", len(got))
	}
	return &slackThread{t: t, fake: fake, sb: sb.Sandbox, srv: srv, wait: bot.Wait}
}

func (s *slackThread) send(path, ctype string, body []byte) {
	s.t.Helper()
	ts := fmt.Sprint(time.Now().Unix())
	mac := hmac.New(sha256.New, []byte(threadSecret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("%s: status %d", path, resp.StatusCode)
	}
	s.wait()
}

const threadTS = "1700003000.000100"

// say mentions the bot in the thread.
func (s *slackThread) say(text string) {
	s.t.Helper()
	s.n++
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": fmt.Sprintf("EvThread%d", s.n),
		"event": map[string]string{"type": "app_mention", "user": "U1", "text": "<@UBOT> " + text, "ts": fmt.Sprintf("1700003%03d.000100", s.n),
			"thread_ts": threadTS, "channel": "C1"}})
	s.send("/slack/events", "application/json", body)
}

// click presses the button actionID whose label or value has want, in the
// latest message that has it.
func (s *slackThread) click(actionID, want string) {
	s.t.Helper()
	msg, value := s.button(actionID, want)
	if msg == "" {
		s.t.Fatalf("no %s button with %q among %+v", actionID, want, s.fake.Calls("chat.postMessage"))
	}
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]string{"id": "T1"}, "user": map[string]string{"id": "U1"},
		"channel": map[string]string{"id": "C1"}, "trigger_id": "trigger-1",
		"container": map[string]string{"type": "message", "message_ts": msg, "channel_id": "C1", "thread_ts": threadTS},
		"actions":   []map[string]string{{"action_id": actionID, "block_id": "b", "value": value, "type": "button"}},
	})
	s.send("/slack/interactivity", "application/x-www-form-urlencoded", []byte("payload="+url.QueryEscape(string(payload))))
}

// button finds the latest posted message with a button actionID whose
// label or value contains want: its ts and the button's value.
func (s *slackThread) button(actionID, want string) (string, string) {
	calls := s.fake.Calls("chat.postMessage")
	for i := len(calls) - 1; i >= 0; i-- {
		var blocks []struct {
			Elements []struct {
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
				Text     struct {
					Text string `json:"text"`
				} `json:"text"`
			} `json:"elements"`
		}
		_ = json.Unmarshal([]byte(calls[i].Args.Get("blocks")), &blocks)
		for _, b := range blocks {
			for _, e := range b.Elements {
				if e.ActionID == actionID && (strings.Contains(e.Text.Text, want) || strings.Contains(e.Value, want)) {
					return calls[i].TS(), e.Value
				}
			}
		}
	}
	return "", ""
}

// said reports whether anything the bot wrote in Slack contains text.
func (s *slackThread) said(text string) bool {
	for _, c := range s.fake.Calls() {
		for _, k := range []string{"text", "markdown_text", "chunks", "blocks"} {
			if strings.Contains(c.Args.Get(k), text) {
				return true
			}
		}
	}
	return false
}

const liPostsPath = "/api.linkedin.com/rest/posts"

// TestSlackAsksWhichAccountAndRemembers is the issue's Slack thread: "post
// … to LinkedIn" with a profile and two company pages connected asks which
// (buttons naming each); the answer continues the same post, whose
// approval names the account; "remember that" makes it the default, and
// the next "post … to LinkedIn" goes there without asking. The same text
// again is held before approval with Post anyway / Cancel; Post anyway
// publishes it once.
func TestSlackAsksWhichAccountAndRemembers(t *testing.T) {
	t.Parallel()
	s := newSlackThread(t)

	s.say(`post "Spring sale starts today" to linkedin`)
	for _, name := range []string{"Sam Sandbox (LinkedIn profile)", "Acme Coffee Co. (LinkedIn page)", "Acme Outdoor (LinkedIn page)"} {
		if msg, _ := s.button("mm_choose", name); msg == "" {
			t.Fatalf("no button for %s: %+v", name, s.fake.Calls("chat.postMessage"))
		}
	}
	if msg, _ := s.button("mm_approve", ""); msg != "" {
		t.Fatal("an approval was offered before the account was chosen")
	}
	s.click("mm_choose", "Acme Outdoor (LinkedIn page)")
	if !s.said("Going to Acme Outdoor (LinkedIn page).") {
		t.Fatalf("the answer was not told: %+v", s.fake.Calls())
	}
	if msg, _ := s.button("mm_approve", ""); msg == "" || !s.said("Acme Outdoor (LinkedIn page)") {
		t.Fatalf("no approval naming Acme Outdoor after the choice: %+v", s.fake.Calls("chat.postMessage"))
	}
	s.click("mm_approve", "")
	if n := s.sb.Calls("POST", liPostsPath); n != 1 {
		t.Fatalf("%d LinkedIn posts after approval, want 1", n)
	}

	s.say("remember that")
	if !s.said("From now on, posts to LinkedIn go to Acme Outdoor") {
		t.Fatalf("remember was not confirmed: %+v", s.fake.Calls())
	}
	asked := len(s.fake.Calls("chat.postMessage"))
	s.say(`post "Summer sale soon" to linkedin`)
	for _, c := range s.fake.Calls("chat.postMessage")[asked:] {
		if strings.Contains(c.Args.Get("blocks"), "mm_choose") {
			t.Fatalf("asked again although a default is set: %s", c.Args.Get("blocks"))
		}
	}
	s.click("mm_approve", "")
	if n := s.sb.Calls("POST", liPostsPath); n != 2 {
		t.Fatalf("%d LinkedIn posts, want 2", n)
	}

	// The same text again: held before approval, offered post anyway.
	s.say(`post "Summer sale soon" to linkedin`)
	if msg, _ := s.button("mm_approve", "Post anyway"); msg == "" || !s.said("the same text already goes to Acme Outdoor") {
		t.Fatalf("no post anyway offer: %+v", s.fake.Calls("chat.postMessage"))
	}
	if msg, _ := s.button("mm_reject", "Cancel"); msg == "" {
		t.Fatal("no cancel button")
	}
	if n := s.sb.Calls("POST", liPostsPath); n != 2 {
		t.Fatalf("%d LinkedIn posts before post anyway, want 2", n)
	}
	s.click("mm_approve", "Post anyway")
	s.click("mm_approve", "Post anyway") // a second click does nothing more
	if n := s.sb.Calls("POST", liPostsPath); n != 3 {
		t.Fatalf("%d LinkedIn posts after post anyway, want 3", n)
	}
}

// TestChatNumberedChoice: in the terminal, "post … to linkedin" with three
// LinkedIn accounts is a numbered choice; "2 remember" picks the second and
// remembers it; the approval names it; the next post asks nothing.
func TestChatNumberedChoice(t *testing.T) {
	t.Parallel()
	sb := sandboxtest.Start(t, sandbox.Options{})
	env := map[string]string{"MM_DATA_DIR": t.TempDir(), "MM_SANDBOX_URL": sb.URL}
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorCLI}
	withApp(t, env, func(a *app) {
		connectInSandbox(t, context.Background(), a, editor, platform.LinkedIn)
	})
	script := strings.Join([]string{`post "Hello from the terminal" to linkedin`, "2 remember", "y", `post "Hello again" to linkedin`, "y"}, "\n") + "\n"
	out, _, err := chatRun(t, env, script, "--workspace", "T1", "--user", "U1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Which LinkedIn account should this go to?", "  1) ", "  3) ", "Type 1-3", "From now on, posts to LinkedIn go to",
		`Approve "Publish now to `} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "Type 1-3") != 1 {
		t.Fatalf("asked more than once:\n%s", out)
	}
	if n := sb.Calls("POST", liPostsPath); n != 2 {
		t.Fatalf("%d LinkedIn posts, want 2:\n%s", n, out)
	}
}
