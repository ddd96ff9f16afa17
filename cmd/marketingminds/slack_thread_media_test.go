package main

import (
	"encoding/json"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// TestSlackThreadFilesPublished (issue 21, files in channel threads): in a
// channel thread the app answered, a person shares a JPEG without
// mentioning it; the door keeps it as the conversation's media and tells
// only that person. The next "@app post this to Instagram" there attaches
// it, and once approved Instagram's container is made from our signed URL.
// In another thread, the app's first mention under a message with an image
// takes that image (conversations.replies): the approval shows it. On
// SQLite and on MongoDB (GridFS on the embedded FerretDB).
func TestSlackThreadFilesPublished(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole app on both stores")
	}
	t.Parallel()
	for _, backend := range []store.Backend{store.SQLite, store.Mongo} {
		t.Run(string(backend), func(t *testing.T) {
			t.Parallel()
			slackThreadFiles(t, backend)
		})
	}
}

// event delivers a signed message or app_mention event in channel C1.
func (x slackApp) event(t *testing.T, id string, ev map[string]any) {
	t.Helper()
	ev["channel"] = "C1"
	if ev["type"] == "message" {
		ev["channel_type"] = "channel"
	}
	body, err := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": id, "event": ev})
	if err != nil {
		t.Fatal(err)
	}
	slackSend(t, x.url+"/slack/events", "application/json", body)
}

// approval waits for the approval card in thread and returns its blocks
// and ts.
func (x slackApp) approval(t *testing.T, thread string) (string, string) {
	t.Helper()
	got := waitFor(t, 90*time.Second, "the approval in thread "+thread, func() (string, bool) {
		for _, c := range x.fake.Calls("chat.postMessage") {
			if b := c.Args.Get("blocks"); c.Args.Get("thread_ts") == thread && strings.Contains(b, `"mm_approve"`) {
				return b + "\n" + c.TS(), true
			}
		}
		return "", false
	}, x.fake)
	blocks, ts, _ := strings.Cut(got, "\n")
	if !strings.Contains(blocks, `"type":"image"`) || !strings.Contains(blocks, x.url+"/media/") {
		t.Fatalf("the approval shows no thumbnail at our signed URL: %s", blocks)
	}
	return blocks, ts
}

func slackThreadFiles(t *testing.T, backend store.Backend) {
	x := startSlackApp(t, backend, platform.Instagram)
	ctx := t.Context()

	// The app answers in a thread; later a person shares a photo there
	// without mentioning it.
	const root = "1700004000.000100"
	x.event(t, "EvThr1", map[string]any{"type": "app_mention", "user": "U1", "ts": root, "text": "<@UBOT> hello"})
	waitFor(t, 60*time.Second, "the app's answer in the thread", func() (string, bool) {
		for _, c := range x.fake.Calls("chat.postMessage", "chat.startStream") {
			if c.Args.Get("thread_ts") == root {
				return "", true
			}
		}
		return "", false
	}, x.fake)
	file := x.fake.ShareFile("U2", "launch.jpg", "image/jpeg", testmedia.Photo(t, 1080, 1080, 0))
	x.event(t, "EvThr2", map[string]any{"type": "message", "subtype": "file_share", "user": "U2", "ts": "1700004000.000200",
		"thread_ts": root, "text": "here is the photo", "files": []any{file}, "upload": true})
	told := waitFor(t, 60*time.Second, "the note to the sharer", func() (string, bool) {
		for _, c := range x.fake.Calls("chat.postEphemeral") {
			if c.Args.Get("user") == "U2" && c.Args.Get("thread_ts") == root {
				return c.Args.Get("text"), true
			}
		}
		return "", false
	}, x.fake)
	if !strings.HasPrefix(told, "Got launch.jpg (1080×1080 JPEG).") {
		t.Fatalf("told %q", told)
	}

	x.event(t, "EvThr3", map[string]any{"type": "app_mention", "user": "U1", "ts": "1700004000.000300", "thread_ts": root,
		"text": "<@UBOT> post this to Instagram"})
	blocks, msgTS := x.approval(t, root)
	id := approveValue.FindStringSubmatch(blocks)
	if id == nil {
		t.Fatalf("no approve button value in %s", blocks)
	}
	click, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]string{"id": "T1"}, "user": map[string]string{"id": "U1"},
		"channel": map[string]string{"id": "C1"}, "trigger_id": "trigger-1",
		"container": map[string]string{"type": "message", "message_ts": msgTS, "channel_id": "C1", "thread_ts": root},
		"actions":   []map[string]string{{"action_id": "mm_approve", "block_id": "approval", "value": id[1], "type": "button"}},
	})
	slackSend(t, x.url+"/slack/interactivity", "application/x-www-form-urlencoded", []byte("payload="+url.QueryEscape(string(click))))
	viewer := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer, Door: identity.DoorAPI}
	waitFor(t, 90*time.Second, "the post published on Instagram with the photo", func() (string, bool) {
		posts, _, err := x.a.publish.List(ctx, viewer, 10, "")
		if err != nil || len(posts) == 0 || len(posts[0].Content.MediaIDs) != 1 {
			return "", false
		}
		for _, d := range posts[0].Targets {
			if d.Status != publish.StatusPublished {
				return "", false
			}
		}
		return "", true
	}, x.fake)
	if n := x.fake.Downloads(file["id"].(string)); n != 1 {
		t.Errorf("the shared photo was downloaded %d times, want 1", n)
	}
	if n := x.fetched.n.Load(); n < 1 {
		t.Errorf("the sandbox fetched our signed URL %d times, want at least once (Instagram's container)", n)
	}

	// Another thread: the app's first mention under a message with an image.
	banner := x.fake.ShareFile("U2", "banner.jpg", "image/jpeg", testmedia.Photo(t, 1080, 1350, 0))
	parent := x.fake.Say("C1", slackfake.Said{User: "U2", Text: "new banner for the launch", Files: []map[string]any{banner}})
	at := x.fake.Say("C1", slackfake.Said{User: "U1", ThreadTS: parent, Text: "<@UBOT> post the image above to Instagram"})
	x.event(t, "EvThr4", map[string]any{"type": "app_mention", "user": "U1", "ts": at, "thread_ts": parent,
		"text": "<@UBOT> post the image above to Instagram"})
	x.approval(t, parent)
	if n := x.fake.Downloads(banner["id"].(string)); n != 1 {
		t.Errorf("the parent's image was downloaded %d times, want 1", n)
	}
}
