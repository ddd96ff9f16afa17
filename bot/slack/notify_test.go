package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/publish"
)

func clickValue(user, actionID, value, messageTS string) []byte {
	raw, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]string{"id": team}, "user": map[string]string{"id": user},
		"channel": map[string]string{"id": channel}, "trigger_id": "trigger-2",
		"container": map[string]string{"type": "message", "message_ts": messageTS, "channel_id": channel},
		"actions":   []map[string]string{{"action_id": actionID, "block_id": "outcome", "value": value, "type": "button"}},
	})
	return interaction(string(raw))
}

func TestNotifyOutcomeAndRetry(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.NotifyChannel = channel })
	ctx := context.Background()
	o := publish.Outcome{PostID: "P9", Results: []publish.Result{
		{AccountID: "acc1", Platform: "linkedin", Status: publish.StatusPublished, URL: "https://linkedin.example/p/9"},
		{AccountID: "acc2", Platform: "twitter", Status: publish.StatusFailed, Error: "X says the text is a duplicate"},
		{AccountID: "acc3", Platform: "facebook", Status: publish.StatusUnconfirmed},
	}}
	if err := b.bot.NotifyOutcome(ctx, team, channel, "1700000800.000100", o); err != nil {
		t.Fatal(err)
	}
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Args.Get("thread_ts") != "1700000800.000100" {
		t.Fatalf("posts = %+v", posts)
	}
	blocks := posts[0].Args.Get("blocks")
	for _, want := range []string{"https://linkedin.example/p/9", "duplicate", `"mm_retry"`, `"P9 acc3"`, "Publish anyway on Facebook"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("outcome lacks %s: %s", want, blocks)
		}
	}
	ts := posts[0].TS()

	b.signed(t, "/slack/interactivity", clickValue("U1", "mm_retry", "P9", ts))
	b.signed(t, "/slack/interactivity", clickValue("U1", "mm_publish_anyway", "P9 acc3", ts))
	b.bot.Wait()
	if got := strings.Join(b.pub.retried, ","); got != "P9,P9/acc3" && got != "P9/acc3,P9" {
		t.Fatalf("retried %q", got)
	}
	updates := b.fake.Calls("chat.update")
	if len(updates) != 2 || !strings.Contains(updates[0].Args.Get("text")+updates[1].Args.Get("text"), "Retried by <@U1>") {
		t.Fatalf("updates = %+v", updates)
	}

	if err := b.bot.NotifyOutcome(ctx, team, "", "", o); err != nil { // no thread: the notification channel
		t.Fatal(err)
	}
	if posts := b.fake.Calls("chat.postMessage"); len(posts) != 2 || posts[1].Args.Get("channel") != channel || posts[1].Args.Get("thread_ts") != "" {
		t.Fatalf("notification channel post = %+v", posts[len(posts)-1].Args)
	}
	bare := setup(t)
	if err := bare.bot.NotifyOutcome(ctx, team, "", "", o); !errors.Is(err, slack.ErrNowhere) {
		t.Fatalf("nowhere to post: err = %v", err)
	}
}

func TestViewerCannotRetry(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.DefaultRole = "viewer" })
	o := publish.Outcome{PostID: "P8", Results: []publish.Result{{AccountID: "acc2", Platform: "twitter", Status: publish.StatusFailed, Error: "boom"}}}
	if err := b.bot.NotifyOutcome(context.Background(), team, channel, "", o); err != nil {
		t.Fatal(err)
	}
	b.signed(t, "/slack/interactivity", clickValue("U2", "mm_retry", "P8", b.fake.Calls("chat.postMessage")[0].TS()))
	b.bot.Wait()
	if len(b.pub.retried) != 0 || len(b.fake.Calls("chat.update")) != 0 {
		t.Fatal("a viewer retried")
	}
	if got := ephemeralsTo(b, "U2"); len(got) != 1 || !strings.Contains(got[0], "editor role") {
		t.Fatalf("viewer told %q", got)
	}
}

func TestAccountEventsAndReconnect(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.NotifyChannel = channel })
	ctx := context.Background()
	b.bot.Publish(ctx, accounts.Event{Kind: accounts.EventConnected, WorkspaceID: team, Platform: "linkedin",
		Accounts: []accounts.Account{{AccountName: "Acme"}}, ReturnTo: accounts.ReturnTo{Kind: "slack", Channel: dm, ThreadTS: "1700000900.000100"}})
	b.bot.Publish(ctx, accounts.Event{Kind: accounts.EventConnected, WorkspaceID: team, Platform: "x", ReturnTo: accounts.ReturnTo{Kind: "dashboard"}})
	b.bot.Publish(ctx, accounts.Event{Kind: accounts.EventNeedsReauth, WorkspaceID: team, Platform: "linkedin",
		Accounts: []accounts.Account{{AccountName: "Acme"}}, Reason: "the token was revoked"})
	b.bot.Wait()
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("posts = %+v", posts)
	}
	var reauth string
	for _, p := range posts {
		switch p.Args.Get("channel") {
		case dm:
			if p.Args.Get("thread_ts") != "1700000900.000100" || !strings.Contains(p.Args.Get("text"), "Connected linkedin: Acme") {
				t.Errorf("connected = %+v", p.Args)
			}
		case channel:
			if !strings.Contains(p.Args.Get("blocks"), `"mm_reconnect"`) || !strings.Contains(p.Args.Get("text"), "revoked") {
				t.Errorf("needs reauth = %+v", p.Args)
			}
			reauth = p.TS()
		}
	}
	b.signed(t, "/slack/interactivity", clickValue("U1", "mm_reconnect", "linkedin", reauth))
	b.bot.Wait()
	if got := ephemeralsTo(b, "U1"); len(got) != 1 || !strings.Contains(got[0], "https://consent.example/linkedin?state=s1") {
		t.Fatalf("reconnect told %q", got)
	}
	if len(b.acc.connected) != 1 || b.acc.connected[0].Kind != "slack" || b.acc.connected[0].Channel != channel {
		t.Fatalf("connect return = %+v", b.acc.connected)
	}
}

func TestAppHome(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := time.Now()
	soon, later, past := now.Add(2*time.Hour), now.Add(48*time.Hour), now.Add(-24*time.Hour)
	b.acc.tokens = []accounts.TokenState{
		{AccountName: "Acme", Platform: "linkedin", Status: "valid"},
		{AccountName: "Acme X", Platform: "twitter", Status: "needs_reauth", Reason: "revoked"},
	}
	b.pub.posts = []publish.PostView{
		{ID: "P1", Status: "scheduled", ScheduledAt: &later, Content: publish.Content{Text: "Later post"}, Targets: []publish.TargetView{{Platform: "linkedin", Status: publish.StatusPending}}},
		{ID: "P2", Status: "scheduled", ScheduledAt: &soon, Content: publish.Content{Text: "Sooner post"}, Targets: []publish.TargetView{{Platform: "twitter", Status: publish.StatusPending}}},
		{ID: "P3", Status: "published", Content: publish.Content{Text: "Done"}, Targets: []publish.TargetView{
			{Platform: "linkedin", Status: publish.StatusPublished, RunAt: past, PublishedAt: &past},
			{Platform: "twitter", Status: publish.StatusFailed, RunAt: past},
		}},
	}
	body := []byte(`{"type":"event_callback","team_id":"T1","event_id":"EvHome","event":{"type":"app_home_opened","user":"U1","channel":"D1","tab":"home"}}`)
	b.signed(t, "/slack/events", body)
	b.bot.Wait()
	pubs := b.fake.Calls("views.publish")
	if len(pubs) != 1 || pubs[0].Args.Get("user_id") != "U1" || pubs[0].Result["ok"] != true {
		t.Fatalf("views.publish = %+v", pubs)
	}
	view := pubs[0].Args.Get("view")
	for _, want := range []string{"Acme on LinkedIn: valid", "needs reauth (revoked)", "1 published, 1 failed"} {
		if !strings.Contains(view, want) {
			t.Errorf("home lacks %q: %s", want, view)
		}
	}
	if i, j := strings.Index(view, "Sooner post"), strings.Index(view, "Later post"); i < 0 || j < 0 || i > j {
		t.Errorf("upcoming posts out of order: %s", view)
	}
}
