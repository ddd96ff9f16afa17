package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/publish"
)

var convertValue = regexp.MustCompile(`"action_id":"mm_convert"[^}]*"value":"([^"]+)"`)

// TestSlackConvertProposesThePostAgain (issue 21): in a Slack thread a
// person shares a PNG with "post this to Instagram" (the offline planner,
// no model). The post is refused before approval with a Convert button;
// the click (a signed interaction) converts it and proposes the same post
// again with the converted JPEG in place of the PNG: a new approval card
// showing it, with no retyping; while it waits the JPEG cannot be deleted.
// Approved, Instagram's container is made from the converted JPEG, fetched
// by the sandbox at our signed URL, and the post alone holds the media.
func TestSlackConvertProposesThePostAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole app")
	}
	t.Parallel()
	ctx := context.Background()
	x := startSlackApp(t, store.SQLite, platform.Instagram)
	a, fake, fetcher := x.a, x.fake, x.fetched
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}

	const thread = "1700004000.000100"
	var pngFile bytes.Buffer
	if err := png.Encode(&pngFile, image.NewRGBA(image.Rect(0, 0, 1080, 1080))); err != nil {
		t.Fatal(err)
	}
	file := fake.ShareFile("U1", "square.png", "image/png", pngFile.Bytes())
	event, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": "EvConvert1", "event": map[string]any{
		"type": "app_mention", "user": "U1", "channel": "C1", "ts": thread, "files": []any{file},
		"text": "<@UBOT> post this to Instagram"}})
	slackSend(t, x.url+"/slack/events", "application/json", event)

	// Refused before approval, with a Convert button in the thread.
	refusal := waitFor(t, 60*time.Second, "the refusal with a Convert button", func() (string, bool) {
		for _, c := range fake.Calls("chat.postMessage") {
			if b := c.Args.Get("blocks"); strings.Contains(b, `"mm_convert"`) && c.Args.Get("thread_ts") == thread {
				return b + "\n" + c.TS(), true
			}
		}
		return "", false
	}, fake)
	blocks, msgTS, _ := strings.Cut(refusal, "\n")
	if strings.Contains(blocks, `"mm_approve"`) {
		t.Fatalf("the PNG was offered for approval: %s", blocks)
	}
	value := convertValue.FindStringSubmatch(blocks)
	if value == nil {
		t.Fatalf("no Convert value in %s", blocks)
	}
	click := func(action, v, ts string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{
			"type": "block_actions", "team": map[string]string{"id": "T1"}, "user": map[string]string{"id": "U1"},
			"channel": map[string]string{"id": "C1"}, "trigger_id": "trigger-" + action,
			"container": map[string]string{"type": "message", "message_ts": ts, "channel_id": "C1", "thread_ts": thread},
			"actions":   []map[string]string{{"action_id": action, "block_id": "b1", "value": v, "type": "button"}},
		})
		slackSend(t, x.url+"/slack/interactivity", "application/x-www-form-urlencoded", []byte("payload="+url.QueryEscape(string(body))))
	}
	click("mm_convert", value[1], msgTS)

	// A new approval card, in the thread, showing the converted image.
	approval := waitFor(t, 60*time.Second, "the approval of the converted post", func() (string, bool) {
		for _, c := range fake.Calls("chat.postMessage") {
			if b := c.Args.Get("blocks"); strings.Contains(b, `"mm_approve"`) && c.Args.Get("thread_ts") == thread {
				return b + "\n" + c.TS(), true
			}
		}
		return "", false
	}, fake)
	blocks, msgTS, _ = strings.Cut(approval, "\n")
	if !strings.Contains(blocks, `"type":"image"`) || !strings.Contains(blocks, x.url+"/") {
		t.Fatalf("the approval shows no thumbnail at our URL: %s", blocks)
	}
	waitFor(t, 30*time.Second, "the refusal without its Convert button", func() (string, bool) {
		for _, c := range fake.Calls("chat.update") {
			if strings.Contains(c.Args.Get("blocks"), "proposed again below") {
				return "", true
			}
		}
		return "", false
	}, fake)
	pending, err := a.agents.Approvals(ctx, editor, string(agents.ApprovalPending))
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending approvals = %+v, %v", pending, err)
	}
	var args struct {
		MediaIDs  []string `json:"media_ids"`
		Platforms []string `json:"platforms"`
	}
	if err := json.Unmarshal(pending[0].Args, &args); err != nil || len(args.MediaIDs) != 1 || len(args.Platforms) != 1 {
		t.Fatalf("the approval's args = %s, %v", pending[0].Args, err)
	}
	converted, err := a.media.Get(ctx, editor, args.MediaIDs[0])
	if err != nil || converted.ContentType != "image/jpeg" || converted.Width != 1080 {
		t.Fatalf("the media proposed = %+v, %v; want the converted JPEG", converted, err)
	}
	if converted.Name == "square.png" || !strings.Contains(strings.Join(converted.UsedBy, ","), "approval:"+pending[0].ID) {
		t.Fatalf("the converted media = %+v, want a copy held by the approval", converted)
	}
	// Held by the approval: it cannot be deleted from under it.
	if err := a.media.Delete(ctx, editor, converted.ID); !errors.Is(err, media.ErrAwaitingApproval) {
		t.Fatalf("delete the media of the pending approval: %v, want refused", err)
	}

	id := approveValue.FindStringSubmatch(blocks)
	if id == nil || id[1] != pending[0].ID {
		t.Fatalf("approve value %v, want %s", id, pending[0].ID)
	}
	click("mm_approve", id[1], msgTS)
	viewer := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer, Door: identity.DoorAPI}
	post := waitFor(t, 60*time.Second, "the published post", func() (string, bool) {
		posts, _, err := a.publish.List(ctx, viewer, 10, "")
		if err != nil || len(posts) == 0 || posts[0].Status != "published" {
			return "", false
		}
		return posts[0].ID, true
	}, fake)
	p, err := a.publish.Get(ctx, viewer, post)
	if err != nil || len(p.Content.MediaIDs) != 1 || p.Content.MediaIDs[0] != converted.ID || p.Targets[0].Status != publish.StatusPublished {
		t.Fatalf("post = %+v, %v; want it published with the converted media", p, err)
	}
	// The approval lets go of its media once the publish it ran returns,
	// a moment after the post reads published.
	waitFor(t, 10*time.Second, "the media used by the post only", func() (string, bool) {
		after, err := a.media.Get(ctx, editor, converted.ID)
		return "", err == nil && strings.Join(after.UsedBy, ",") == "post:"+p.ID
	}, fake)
	if n := fetcher.n.Load(); n < 1 {
		t.Errorf("the sandbox fetched our signed URL %d times, want Instagram's container made from it", n)
	}
}
