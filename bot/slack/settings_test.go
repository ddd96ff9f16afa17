package slack_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// TestWorkspaceSettingsWin: a workspace's notification channel and default
// role win over the deployment's.
func TestWorkspaceSettingsWin(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema, slack.Schema, settings.Schema, audit.Schema)
	svc, err := settings.New(settings.Config{Store: settings.NewStore(db), Audit: audit.New(db, time.Now), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	b := setupDB(t, db, func(c *slack.Config, d *slack.Deps) {
		c.NotifyChannel, c.DefaultRole = channel, identity.Editor
		d.Settings = svc
	})
	ctx := context.Background()
	o := publish.Outcome{PostID: "P5", Results: []publish.Result{{Platform: "x", Status: publish.StatusPublished}}}
	if err := b.bot.NotifyOutcome(ctx, team, "", "", o); err != nil {
		t.Fatal(err)
	}
	note, role := "C0NOTES1", "viewer"
	b.fake.AddChannels(note)
	admin := identity.Caller{WorkspaceID: team, UserID: "UADMIN", Role: identity.Admin, Door: identity.DoorAPI}
	if _, err := svc.Update(ctx, admin, settings.Patch{NotificationChannel: &note, DefaultRole: &role}); err != nil {
		t.Fatal(err)
	}
	if err := b.bot.NotifyOutcome(ctx, team, "", "", o); err != nil {
		t.Fatal(err)
	}
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 2 || posts[0].Args.Get("channel") != channel || posts[1].Args.Get("channel") != note {
		t.Fatalf("notifications went to %v", func() (chs []string) {
			for _, p := range posts {
				chs = append(chs, p.Args.Get("channel"))
			}
			return
		}())
	}
	b.signed(t, "/slack/events", mention("EvSet", "U2", "1700001200.000100", "", "hi"))
	b.bot.Wait()
	if turns := b.conv.got(); len(turns) != 1 || turns[0].caller.Role != identity.Viewer {
		t.Fatalf("a new user's role = %v", fmt.Sprint(turns))
	}
}

// `/mm digest` says where the weekly digest goes; an admin switches it off
// and on and gives it a channel; an editor may only read it.
func TestSlashDigest(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema, slack.Schema, settings.Schema, audit.Schema)
	svc, err := settings.New(settings.Config{Store: settings.NewStore(db), Audit: audit.New(db, time.Now), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	b := setupDB(t, db, func(_ *slack.Config, d *slack.Deps) { d.Settings = svc })
	for _, c := range []struct{ user, text, want string }{
		{"UADMIN", "digest", "has nowhere to go"},
		{"UADMIN", "digest C0DIGEST1", "goes to <#C0DIGEST1> on Mondays at 09:00 (UTC)"},
		{"UADMIN", "digest off", "The weekly digest is off."},
		{"U1", "digest on", "needs more"},
		{"UADMIN", "digest on", "goes to <#C0DIGEST1>"},
		{"UADMIN", "digest #marketing", "the channel's id"},
	} {
		if got := slashRun(t, b, c.user, c.text); !strings.Contains(got, c.want) {
			t.Errorf("%s: /mm %s told %q, want %q", c.user, c.text, got, c.want)
		}
	}
	st, err := svc.Lookup(context.Background(), team)
	if err != nil || st.DigestTo() != "C0DIGEST1" {
		t.Fatalf("settings = %+v, %v; want the digest on, to C0DIGEST1", st, err)
	}
}

// `/mm inbox here` makes the channel the command is typed in the inbox
// channel; off stops it; an editor may only read it; a name is refused.
func TestSlashInbox(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema, slack.Schema, settings.Schema, audit.Schema)
	svc, err := settings.New(settings.Config{Store: settings.NewStore(db), Audit: audit.New(db, time.Now), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	b := setupDB(t, db, func(_ *slack.Config, d *slack.Deps) { d.Settings = svc })
	for _, c := range []struct{ user, text, want string }{
		{"UADMIN", "inbox", "are not posted in Slack"},
		{"UADMIN", "inbox here", "posted to <#C0INBOX01>"},
		{"U1", "inbox off", "needs more"},
		{"UADMIN", "inbox #social", "inbox here"},
		{"UADMIN", "inbox off", "are not posted in Slack"},
		{"UADMIN", "inbox <#C0SOCIAL01|social>", "posted to <#C0SOCIAL01>"},
	} {
		if got := slashRunIn(t, b, "C0INBOX01", c.user, c.text); !strings.Contains(got, c.want) {
			t.Errorf("%s: /mm %s told %q, want %q", c.user, c.text, got, c.want)
		}
	}
	if st, err := svc.Lookup(context.Background(), team); err != nil || st.InboxChannel != "C0SOCIAL01" {
		t.Fatalf("settings = %+v, %v; want the inbox in C0SOCIAL01", st, err)
	}
}
