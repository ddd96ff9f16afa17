package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// TestSlackSharedImagePublished (issue 21's must-hold): in a Slack thread a
// person shares a JPEG with "post this to Instagram and X tomorrow 9am".
// The door downloads it with the bot token into the media store, the
// offline planner attaches it to a scheduled post, the approval shows it
// (Slack fetches the thumbnail's signed URL), and once approved and due
// Instagram's container is created from our signed URL, fetched by the
// sandbox as Meta does, and X gets the uploaded bytes from the store. Over
// the fake Slack Web API and the sandbox, on SQLite and on MongoDB (GridFS
// on the embedded FerretDB).
func TestSlackSharedImagePublished(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole app on both stores")
	}
	t.Parallel()
	for _, backend := range []store.Backend{store.SQLite, store.Mongo} {
		t.Run(string(backend), func(t *testing.T) {
			t.Parallel()
			slackSharedImage(t, backend)
		})
	}
}

const (
	e2eSecret = "e2e-media-secret"
	e2eToken  = "xoxb-e2e-media"
)

func slackSharedImage(t *testing.T, backend store.Backend) {
	ctx := context.Background()
	x := startSlackApp(t, backend, platform.Instagram, platform.Twitter)
	a, sb, fake, fetcher := x.a, x.sb, x.fake, x.fetched
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}

	const thread = "1700003000.000100"
	file := fake.ShareFile("U1", "launch.jpg", "image/jpeg", testmedia.Photo(t, 1080, 1350, 0))
	event, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": "EvMedia1", "event": map[string]any{
		"type": "app_mention", "user": "U1", "channel": "C1", "ts": thread, "files": []any{file},
		"text": "<@UBOT> post this to Instagram and X tomorrow 9am"}})
	slackSend(t, x.url+"/slack/events", "application/json", event)

	approval := waitFor(t, 90*time.Second, "the approval in the thread", func() (string, bool) {
		for _, c := range fake.Calls("chat.postMessage") {
			if b := c.Args.Get("blocks"); strings.Contains(b, `"mm_approve"`) {
				return b + "\n" + c.TS(), true
			}
		}
		return "", false
	}, fake)
	blocks, msgTS, _ := strings.Cut(approval, "\n")
	if !strings.Contains(blocks, `"type":"image"`) || !strings.Contains(blocks, x.url+"/media/thumb/") || !strings.Contains(blocks, "launch.jpg, image 1 of 1") {
		t.Fatalf("the approval shows no thumbnail at our signed thumbnail URL: %s", blocks)
	}
	// The preview reads as Ana does: her zone, no empty quotes, the file named.
	if !inBerlin.MatchString(blocks) {
		t.Errorf("the approval does not give Ana's time: %s", blocks)
	}
	for _, want := range []string{"(no text)", "Attached: launch.jpg, image 1080×1350, no alt text"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("the approval does not say %q: %s", want, blocks)
		}
	}
	if strings.Contains(blocks, "“”") {
		t.Errorf("the approval quotes an empty text: %s", blocks)
	}
	if n := fake.Downloads(file["id"].(string)); n != 1 {
		t.Fatalf("the shared file was downloaded %d times", n)
	}
	id := approveValue.FindStringSubmatch(blocks)
	if id == nil {
		t.Fatalf("no approve button value in %s", blocks)
	}
	click, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]string{"id": "T1"}, "user": map[string]string{"id": "U1"},
		"channel": map[string]string{"id": "C1"}, "trigger_id": "trigger-1",
		"container": map[string]string{"type": "message", "message_ts": msgTS, "channel_id": "C1", "thread_ts": thread},
		"actions":   []map[string]string{{"action_id": "mm_approve", "block_id": "approval", "value": id[1], "type": "button"}},
	})
	slackSend(t, x.url+"/slack/interactivity", "application/x-www-form-urlencoded", []byte("payload="+url.QueryEscape(string(click))))

	viewer := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer, Door: identity.DoorAPI}
	postID := waitFor(t, 60*time.Second, "the scheduled post", func() (string, bool) {
		posts, _, err := a.publish.List(ctx, viewer, 10, "")
		if err != nil || len(posts) == 0 {
			return "", false
		}
		return posts[0].ID, true
	}, fake)
	post, err := a.publish.Get(ctx, viewer, postID)
	if err != nil || len(post.Content.MediaIDs) != 1 || len(post.Targets) != 2 || post.ScheduledAt == nil {
		t.Fatalf("post = %+v, %v", post, err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if at := post.ScheduledAt.In(berlin); at.Hour() != 9 || !at.After(time.Now()) {
		t.Fatalf("scheduled for %s, want tomorrow 9am in Berlin", at)
	}
	// The person moves it to now, through the same function as PATCH.
	now := time.Now().Add(time.Second)
	if _, err := a.publish.Update(ctx, editor, postID, publish.Patch{RunAt: &now}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 90*time.Second, "both targets published", func() (string, bool) {
		p, err := a.publish.Get(ctx, viewer, postID)
		if err != nil {
			return "", false
		}
		var states []string
		for _, d := range p.Targets {
			if d.Status != publish.StatusPublished {
				return "", false
			}
			states = append(states, string(d.Status))
		}
		return strings.Join(states, ","), true
	}, fake)
	if n := fetcher.n.Load(); n < 1 {
		t.Errorf("the sandbox fetched our signed URL %d times, want at least once (Instagram's container)", n)
	}
	if n := sb.Sandbox.Calls("POST", "/api.x.com/2/media/upload"); n != 1 {
		t.Errorf("X media uploads = %d, want 1", n)
	}
}

var inBerlin = regexp.MustCompile(`Schedule for \w{3} \d+ \w{3} \d{4}, 09:00 CES?T to `)

var approveValue = regexp.MustCompile(`"action_id":"mm_approve"[^}]*"value":"([^"]+)"`)

// slackSend posts body to a Slack endpoint, signed as Slack signs.
func slackSend(t *testing.T, u, ctype string, body []byte) {
	t.Helper()
	ts := fmt.Sprint(time.Now().Unix())
	mac := hmac.New(sha256.New, []byte(e2eSecret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d", u, resp.StatusCode)
	}
}

// waitFor polls ok until it holds or the deadline passes; the fake's calls
// are shown when it does not.
func waitFor(t *testing.T, within time.Duration, what string, ok func() (string, bool), fake *slackfake.Fake) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if v, done := ok(); done {
			return v
		}
		if time.Now().After(deadline) {
			var said []string
			for _, c := range fake.Calls("chat.postMessage", "chat.startStream", "chat.appendStream", "chat.update", "chat.postEphemeral") {
				said = append(said, c.Method+": "+c.Args.Get("text")+c.Args.Get("markdown_text"))
			}
			t.Fatalf("no %s after %s; Slack was told:\n%s", what, within, strings.Join(said, "\n"))
		}
		time.Sleep(100 * time.Millisecond) // polling the app's own work, with a deadline
	}
}
