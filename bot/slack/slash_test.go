package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// slashBody is a /mm form as Slack sends it.
func slashBody(b *bundle, user, text, responseID string) []byte {
	return slashBodyIn(b, channel, user, text, responseID)
}

// slashBodyIn is slashBody typed in channel ch.
func slashBodyIn(b *bundle, ch, user, text, responseID string) []byte {
	return []byte(url.Values{
		"token": {"deprecated"}, "team_id": {team}, "team_domain": {"acme"}, "channel_id": {ch}, "channel_name": {"marketing"},
		"user_id": {user}, "user_name": {"someone"}, "command": {"/mm"}, "text": {text},
		"response_url": {b.fake.ResponseURL(responseID)}, "trigger_id": {"t1"}, "api_app_id": {"A1"},
	}.Encode())
}

// slashRun sends /mm text as user and returns the one response it got.
func slashRun(t *testing.T, b *bundle, user, text string) string {
	t.Helper()
	return slashRunIn(t, b, channel, user, text)
}

// slashRunIn is slashRun typed in channel ch.
func slashRunIn(t *testing.T, b *bundle, ch, user, text string) string {
	t.Helper()
	id := fmt.Sprintf("r%d", time.Now().UnixNano())
	t0 := time.Now()
	resp := b.signed(t, "/slack/commands", slashBodyIn(b, ch, user, text, id))
	var ack struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&ack); err != nil || resp.StatusCode != 200 || ack.ResponseType != "ephemeral" || !strings.Contains(ack.Text, "Working on") {
		t.Fatalf("ack of %q: %d %+v %v", text, resp.StatusCode, ack, err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Fatalf("ack took %v", d)
	}
	b.bot.Wait()
	var got []string
	for _, r := range b.fake.Responses() {
		if r.ID == id {
			if r.Message["response_type"] != "ephemeral" {
				t.Errorf("%q: response type %v", text, r.Message["response_type"])
			}
			got = append(got, strings.Join(texts(r.Message), "\n"))
		}
	}
	if len(got) != 1 {
		t.Fatalf("%q: %d responses, want exactly 1: %q", text, len(got), got)
	}
	return got[0]
}

// texts are the texts of a message as a person reads them: its text and
// every text of its blocks, in order.
func texts(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if s, ok := x["text"].(string); ok {
			out = append(out, s)
		}
		for _, k := range []string{"text", "blocks", "fields", "elements"} {
			if k == "text" {
				if m, ok := x[k].(map[string]any); ok {
					out = append(out, texts(m)...)
				}
				continue
			}
			out = append(out, texts(x[k])...)
		}
	case []any:
		for _, it := range x {
			out = append(out, texts(it)...)
		}
	}
	return out
}

func TestSlashCommands(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cases := []struct {
		name, user, text string
		want             []string
	}{
		{"post", "U1", `post "Launch day!" to x,linkedin with image https://img.example/a.png`, []string{"Published on X and LinkedIn.", "<https://twitter.example/p/2|View the post>"}},
		{"schedule", "U1", `schedule "Later" to linkedin 2030-01-02T09:00:00Z`, []string{"Scheduled for Wed 2 Jan 2030, 10:00 CET", "On LinkedIn: “Later”", "Cancel the LinkedIn post"}},
		{"schedule bad time", "U1", `schedule "Later" to linkedin someday`, []string{"someday", "Usage: `/mm schedule"}},
		{"schedule past", "U1", `schedule "Later" to linkedin 2020-01-02T09:00:00Z`, []string{"is in the past.", "Change the request and try again."}},
		{"no account", "U1", `post "Hi" to instagram`, []string{"No connected Instagram account", "connect one"}},
		{"malformed", "U1", `post to x`, []string{"Usage: `/mm post \"text\" to x,linkedin`"}},
		{"unknown", "U1", `dance`, []string{"I do not know that command", "/mm help"}},
		{"unknown, near a command", "U1", `undo my last thing`, []string{"I do not know that command. The closest:\n• `/mm cancel ID`"}},
		{"help", "U1", `help`, []string{"/mm post", "/mm schedule"}},
		{"accounts", "U1", `accounts`, []string{"*LinkedIn* Acme"}},
		{"connect", "U1", `connect linkedin`, []string{"<https://consent.example/linkedin?state=s1|Connect LinkedIn>"}},
		{"disconnect", "U1", `disconnect acc1`, []string{"Disconnected", "Acme"}},
		{"jobs", "U1", `jobs`, []string{"1 job", "*Publish delivery* due"}},
		{"cancel post", "U1", `cancel P-sched`, []string{"Cancelled the scheduled post."}},
		{"cancel job", "U1", `cancel J1`, []string{"Cancelled the job."}},
		{"cancel nothing", "U1", `cancel J404`, []string{"There is no scheduled post or job by that name", "/mm jobs"}},
		{"retry", "U1", `retry P7`, []string{"Published on LinkedIn."}},
		{"analytics through the agent", "U1", `analytics 30d`, []string{"Hello there."}},
		{"dashboard", "U1", `dashboard`, []string{"<https://mm.example.com/dashboard/login?code=mml_", "valid 10 minutes"}},
	}
	for _, tc := range cases {
		got := slashRun(t, b, tc.user, tc.text)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tc.name, got, w)
			}
		}
		// No id, Go error or JSON reaches the person.
		for _, bad := range []string{"P1", "P2", "J1`", "acc1", "publish:", "{"} {
			if strings.Contains(got, bad) && tc.name != "help" && tc.name != "dashboard" {
				t.Errorf("%s: %q shows %q", tc.name, got, bad)
			}
		}
	}
	if len(b.pub.now) != 2 || strings.Join(b.pub.now[0].AccountIDs, ",") != "acc2,acc1" || b.pub.now[0].Text != "Launch day!" ||
		len(b.pub.now[0].ImageURLs) != 1 || b.pub.now[0].ImageURLs[0] != "https://img.example/a.png" {
		t.Fatalf("published %+v", b.pub.now)
	}
	if turns := b.conv.got(); len(turns) != 1 || turns[0].text != "analytics 30d" || turns[0].caller.Door != identity.DoorSlash {
		t.Fatalf("turns = %+v", turns)
	}
	if len(b.jobs.cancelled) != 1 {
		t.Fatalf("cancelled jobs %v", b.jobs.cancelled)
	}
}

func TestSlashToken(t *testing.T) {
	t.Parallel()
	b := setup(t)
	got := slashRun(t, b, "U1", "token")
	i := strings.Index(got, "`mm_")
	if i < 0 {
		t.Fatalf("no token in %q", got)
	}
	token := got[i+1 : i+1+43]
	c, err := b.ids.Authenticate(context.Background(), token)
	if err != nil || c.WorkspaceID != team || c.UserID != "U1" || c.Role != identity.Editor {
		t.Fatalf("the token authenticates as %+v, %v", c, err)
	}
	if posts := b.fake.Calls("chat.postMessage"); len(posts) != 0 {
		t.Fatal("the token was posted in the channel")
	}
}

func TestSlashViewerCannotPost(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.DefaultRole = identity.Viewer })
	for _, text := range []string{`post "Hi" to linkedin`, `cancel P-sched`} {
		got := slashRun(t, b, "U2", text)
		if !strings.Contains(got, "You are a viewer") || !strings.Contains(got, "editor role") {
			t.Errorf("%s: viewer told %q", text, got)
		}
	}
	if len(b.pub.now) != 0 {
		t.Fatal("a viewer posted")
	}
	if got := slashRun(t, b, "UADMIN", `post "Hi" to linkedin`); !strings.Contains(got, "Published on LinkedIn.") {
		t.Fatalf("admin told %q", got)
	}
}

func TestSlashRefusedWithoutSignature(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := slashBody(b, "U1", `post "Hi" to linkedin`, "unsigned")
	for name, h := range map[string]http.Header{
		"unsigned": {},
		"stale":    sign(secret, time.Now().Add(-10*time.Minute), body),
		"tampered": sign(secret, time.Now(), []byte(strings.Replace(string(body), "Hi", "Ho", 1))),
	} {
		if resp := b.send(t, "/slack/commands", body, h); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d", name, resp.StatusCode)
		}
	}
	b.bot.Wait()
	if len(b.fake.Responses()) != 0 || len(b.pub.now) != 0 || len(b.fake.Calls()) != 0 {
		t.Fatal("a refused command had an effect")
	}
}
