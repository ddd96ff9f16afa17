package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm/llmtest"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
	"github.com/marketingminds/marketingminds/tools/settings"
)

const (
	inboxSecret   = "inbox-signing-secret"
	inboxChan     = "C0INBOX01"
	metaAppSecret = "fb-app-secret"
)

// inboxWorld is the whole app (offline planner, the sandbox, SQLite) with
// its Slack door against a fake Web API, Facebook, Instagram, LinkedIn and
// X connected to workspace T1, whose inbox channel is inboxChan.
type inboxWorld struct {
	t    *testing.T
	a    *app
	sb   *sandboxtest.Server
	fake *slackfake.Fake
	srv  *httptest.Server
	acc  map[platform.Name]accounts.Account
	// model is the language model, scripted per test (none: no call).
	model *llmtest.Server
}

var inboxEditor = identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorSlack}

func newInboxWorld(t *testing.T) *inboxWorld {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{})
	model := llmtest.New(t)
	fake := slackfake.New("xoxb-inbox")
	t.Cleanup(fake.Close)
	fake.AddChannels(inboxChan)
	fake.AddUser(slackfake.User{ID: "U1", Name: "ana", DisplayName: "Ana", TZ: "Europe/Berlin"})
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"MM_DATA_DIR": t.TempDir(), "SLACK_SIGNING_SECRET": inboxSecret, "SLACK_BOT_TOKEN": "xoxb-inbox",
			"SLACK_API_URL": fake.URL(), "FACEBOOK_APP_ID": "fb-app", "FACEBOOK_APP_SECRET": metaAppSecret,
			"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": model.URL}[k]
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
	a.runSlack(ctx, bot, zerolog.Nop())
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", bot.Events)
	mux.HandleFunc("POST /slack/interactivity", bot.Interactivity)
	// Meta's webhook, as the REST route serves it: the sandbox signs with
	// the app secret; the subscription's handshake is answered here.
	mux.HandleFunc("GET /meta", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
	})
	mux.HandleFunc("POST /meta", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := a.inbox.MetaWebhook(r.Context(), body, r.Header.Get("X-Hub-Signature-256")); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		cancel()
		bot.Wait()
		db.Close(context.Background())
	})
	w := &inboxWorld{t: t, a: a, sb: sb, fake: fake, srv: srv, acc: map[platform.Name]accounts.Account{}, model: model}
	for _, p := range []platform.Name{platform.Facebook, platform.Instagram, platform.LinkedIn, platform.Twitter} {
		for _, acc := range connectInSandbox(t, ctx, a, inboxEditor, p) {
			if p != platform.LinkedIn || acc.Kind == "organization" {
				w.acc[p] = acc
				break
			}
		}
	}
	ch := inboxChan
	if _, err := a.settings.Update(ctx, identity.Caller{WorkspaceID: "T1", UserID: "UADMIN", Role: identity.Admin}, settings.Patch{InboxChannel: &ch}); err != nil {
		t.Fatal(err)
	}
	return w
}

// posted lists the messages posted to the inbox channel.
func (w *inboxWorld) posted() []slackfake.Call {
	var out []slackfake.Call
	for _, c := range w.fake.Calls("chat.postMessage") {
		if c.Args.Get("channel") == inboxChan && c.Args.Get("thread_ts") == "" {
			out = append(out, c)
		}
	}
	return out
}

// items reads T1's inbox.
func (w *inboxWorld) items() []inbox.Item {
	w.t.Helper()
	p, err := w.a.inbox.List(context.Background(), inboxEditor, inbox.Filter{Limit: 100})
	if err != nil {
		w.t.Fatal(err)
	}
	return p.Items
}

// until polls cond for up to 20 s: the door posts on its own schedule.
func (w *inboxWorld) until(what string, cond func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			w.t.Fatalf("after 20 s, still waiting for %s; posted %+v", what, w.posted())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// send posts a signed Events API body.
func (w *inboxWorld) send(body []byte) {
	w.t.Helper()
	w.sendTo("/slack/events", "application/json", body)
}

// click presses a button of message ts in the inbox channel as U1.
func (w *inboxWorld) click(actionID, value, ts, thread string) {
	w.t.Helper()
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]string{"id": "T1"}, "user": map[string]string{"id": "U1"},
		"channel": map[string]string{"id": inboxChan}, "trigger_id": "trigger-1",
		"container": map[string]string{"type": "message", "message_ts": ts, "channel_id": inboxChan, "thread_ts": thread},
		"actions":   []map[string]string{{"action_id": actionID, "block_id": "b", "value": value, "type": "button"}},
	})
	w.sendTo("/slack/interactivity", "application/x-www-form-urlencoded", []byte("payload="+url.QueryEscape(string(payload))))
}

func (w *inboxWorld) sendTo(path, ctype string, body []byte) {
	w.t.Helper()
	ts := fmt.Sprint(time.Now().Unix())
	mac := hmac.New(sha256.New, []byte(inboxSecret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		w.t.Fatalf("%s: status %d", path, resp.StatusCode)
	}
}

// TestInboxInSlack is issue 22's Slack door over the whole app: comments on
// a published Facebook post, an Instagram post, a LinkedIn organization
// post and an X mention, delivered by Meta's webhook and by two polls, are
// each posted once to the workspace's inbox channel; "reply: …" in an
// item's thread reaches the platform once and the message shows it.
func TestInboxInSlack(t *testing.T) {
	t.Parallel()
	w := newInboxWorld(t)
	ctx := context.Background()
	for _, obj := range []string{"page", "instagram"} {
		if err := w.sb.SubscribeMeta(ctx, obj, w.srv.URL+"/meta", "any", metaAppSecret); err != nil {
			t.Fatal(err)
		}
	}
	var posts = map[platform.Name]string{}
	for _, p := range []platform.Name{platform.Facebook, platform.LinkedIn} {
		o, err := w.a.publish.PublishNow(ctx, inboxEditor, publish.Request{Content: publish.Content{Text: "Autumn blend is here"}, AccountIDs: []string{w.acc[p].ID}})
		if err != nil || !o.Success {
			t.Fatalf("publish to %s: %+v, %v", p, o, err)
		}
		posts[p] = o.Results[0].PlatformPostID
	}
	sys := identity.Caller{WorkspaceID: "T1", UserID: "system", Role: identity.Admin, Door: identity.DoorSystem}
	igTarget, err := w.a.accounts.ValidToken(ctx, sys, w.acc[platform.Instagram].ID)
	if err != nil {
		t.Fatal(err)
	}
	media, err := w.igMedia(ctx, igTarget)
	if err != nil {
		t.Fatal(err)
	}
	// The first poll installs the app on the Page (Meta delivers a Page's
	// feed only then); nothing is there to read yet.
	if _, err := w.a.inbox.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	delivered := 0
	for _, sp := range []sandbox.CommentSpec{
		{Platform: "facebook", PostID: posts[platform.Facebook], Text: "When does it ship?"},
		{Platform: "instagram", PostID: media, Text: "Gorgeous"},
		{Platform: "linkedin", PostID: posts[platform.LinkedIn], Text: "Count me in"},
	} {
		_, hooks, err := w.sb.AddComments(ctx, sp)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hooks {
			if h.Status != http.StatusOK {
				t.Fatalf("%s webhook answered %+v", sp.Platform, h)
			}
			delivered++
		}
	}
	if delivered < 2 {
		t.Fatalf("Meta's webhook delivered %d times; want the Facebook and the Instagram comment", delivered)
	}
	if _, err := w.sb.AddMentions(w.acc[platform.Twitter].ExternalID, "", "@acme best beans in town", 1); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		// (The LinkedIn member profile's posts are not readable without
		// r_member_social: that account's poll fails, the others go on.)
		if rep, err := w.a.inbox.Poll(ctx); err != nil || rep.Accounts-rep.Failed < 4 {
			t.Fatalf("poll = %+v, %v", rep, err)
		}
	}
	w.until("four items posted", func() bool {
		n := 0
		for _, it := range w.items() {
			if it.Slack.TS != "" {
				n++
			}
		}
		return n == 4
	})
	byPlatform := map[string]int{}
	for _, c := range w.posted() {
		for _, p := range []platform.Name{platform.Facebook, platform.Instagram, platform.LinkedIn, platform.Twitter} {
			if strings.Contains(c.Args.Get("text"), " on "+p.Label()+":") {
				byPlatform[p.Label()]++
			}
		}
	}
	if len(w.posted()) != 4 || byPlatform["Facebook"] != 1 || byPlatform["Instagram"] != 1 || byPlatform["LinkedIn"] != 1 || byPlatform["X"] != 1 {
		t.Fatalf("posted per platform %v (%d messages)", byPlatform, len(w.posted()))
	}

	var fb inbox.Item
	for _, it := range w.items() {
		if it.Platform == platform.Facebook {
			fb = it
		}
	}
	answers := fmt.Sprintf("/graph.facebook.com/v26.0/%s/comments", fb.ExternalID)
	msg := func(id, ts, text string) []byte {
		b, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": id, "event": map[string]string{
			"type": "message", "channel_type": "channel", "user": "U1", "text": text, "ts": ts, "thread_ts": fb.Slack.TS, "channel": inboxChan}})
		return b
	}
	w.send(msg("EvR1", "1700009000.000100", "reply: thanks, it ships Monday"))
	w.send(msg("EvR1", "1700009000.000100", "reply: thanks, it ships Monday")) // Slack's retry
	w.until("the reply sent and shown", func() bool {
		it, err := w.a.inbox.Get(ctx, inboxEditor, fb.ID)
		return err == nil && it.State == inbox.StateAnswered && len(w.fake.Calls("chat.update")) > 0
	})
	if n := w.sb.Calls(http.MethodPost, answers); n != 1 {
		t.Fatalf("the reply reached Facebook %d times, want once", n)
	}
	ups := w.fake.Calls("chat.update")
	if last := ups[len(ups)-1]; last.Args.Get("ts") != fb.Slack.TS || !strings.Contains(last.Args.Get("blocks"), "thanks, it ships Monday") {
		t.Fatalf("the item's message after the reply: %+v", last.Args)
	}
}

// igMedia is the newest media of the connected Instagram account.
func (w *inboxWorld) igMedia(ctx context.Context, t platform.Target) (string, error) {
	var page struct {
		Data []struct{ ID string } `json:"data"`
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.sb.URL+"/graph.facebook.com/v26.0/"+t.ExternalID+"/media?access_token="+t.AccessToken, nil)
	resp, err := w.sb.Client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || len(page.Data) == 0 {
		return "", fmt.Errorf("instagram media: %d, %v", resp.StatusCode, err)
	}
	return page.Data[0].ID, nil
}

// TestInboxAgentReplyWaitsForApproval: asked in an item's thread, the
// assistant drafts the answer with reply_to_comment, which waits for a
// person's approval; approved (twice, on two clicks), it reaches Facebook
// once. "Draft a reply" shows the content writer's draft in the modal.
func TestInboxAgentReplyWaitsForApproval(t *testing.T) {
	t.Parallel()
	w := newInboxWorld(t)
	ctx := context.Background()
	o, err := w.a.publish.PublishNow(ctx, inboxEditor, publish.Request{Content: publish.Content{Text: "Autumn blend is here"}, AccountIDs: []string{w.acc[platform.Facebook].ID}})
	if err != nil || !o.Success {
		t.Fatalf("publish: %+v, %v", o, err)
	}
	if _, _, err := w.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "facebook", PostID: o.Results[0].PlatformPostID, Text: "When does it ship?"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.inbox.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	var fb inbox.Item
	w.until("the comment posted", func() bool {
		items := w.items()
		if len(items) == 1 {
			fb = items[0]
		}
		return fb.Slack.TS != ""
	})
	answers := fmt.Sprintf("/graph.facebook.com/v26.0/%s/comments", fb.ExternalID)

	w.model.Script(
		llmtest.Calls(llmtest.Call("reply_to_comment", fmt.Sprintf(`{"item_id":%q,"text":"Thank you! It ships Monday."}`, fb.ID))),
		llmtest.Reply("I wrote the answer; it waits for your approval."))
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": "EvAsk", "event": map[string]string{
		"type": "app_mention", "user": "U1", "text": "<@UBOT> thank her and say it ships Monday", "ts": "1700009100.000100", "thread_ts": fb.Slack.TS, "channel": inboxChan}})
	w.send(body)
	var approval, approvalTS string
	w.until("the approval in the thread", func() bool {
		for _, c := range w.fake.Calls("chat.postMessage") {
			if c.Args.Get("thread_ts") == fb.Slack.TS && strings.Contains(c.Args.Get("blocks"), "mm_approve") {
				var blocks []struct {
					Elements []struct{ ActionID, Value string } `json:"elements"`
				}
				_ = json.Unmarshal([]byte(strings.ReplaceAll(c.Args.Get("blocks"), "action_id", "actionid")), &blocks)
				for _, b := range blocks {
					for _, e := range b.Elements {
						if e.Value != "" {
							approval, approvalTS = e.Value, c.TS()
						}
					}
				}
			}
		}
		return approval != ""
	})
	if reqs := w.model.Requests(); len(reqs) == 0 || !strings.Contains(fmt.Sprint(reqs[0]), fb.ID) {
		t.Errorf("the model was not told which item the thread is about")
	}
	if n := w.sb.Calls(http.MethodPost, answers); n != 0 {
		t.Fatalf("the model's reply reached Facebook before approval (%d)", n)
	}
	w.click("mm_approve", approval, approvalTS, fb.Slack.TS)
	w.click("mm_approve", approval, approvalTS, fb.Slack.TS)
	w.until("the approved reply sent", func() bool {
		it, err := w.a.inbox.Get(ctx, inboxEditor, fb.ID)
		return err == nil && it.State == inbox.StateAnswered
	})
	if n := w.sb.Calls(http.MethodPost, answers); n != 1 {
		t.Fatalf("the approved reply reached Facebook %d times, want once", n)
	}
	w.until("the item's message showing the approved answer", func() bool {
		for _, c := range w.fake.Calls("chat.update") {
			if c.Args.Get("ts") == fb.Slack.TS && strings.Contains(c.Args.Get("blocks"), "Thank you! It ships Monday.") {
				return true
			}
		}
		return false
	})

	w.model.Script(llmtest.Reply(`{"variants": {"facebook": "Thanks for asking! It ships Monday."}, "notes": "warm"}`))
	w.click("mm_inbox_draft", fb.ID, fb.Slack.TS, "")
	w.until("the draft in the modal", func() bool {
		for _, c := range w.fake.Calls("views.update") {
			if strings.Contains(c.Args.Get("view"), "Thanks for asking! It ships Monday.") {
				return true
			}
		}
		return false
	})
}
