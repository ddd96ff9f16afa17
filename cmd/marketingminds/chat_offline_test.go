package main

import (
	"context"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// withApp opens the chat's data dir as serve would and runs fn on the app.
func withApp(t *testing.T, env map[string]string, fn func(a *app)) {
	t.Helper()
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.PublicURL = "http://localhost:8080"
	ctx := context.Background()
	db, err := openStore(ctx, cfg, zerolog.Nop(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	a, err := newApp(cfg, db, zerolog.Nop(), env["MM_SANDBOX_URL"], schedule.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fn(a)
}

// TestChatOffline drives `marketingminds chat` through a pipe with no
// language model at all: the offline planner reads the commands; connect,
// accounts, post (approved), schedule (approved), analytics, jobs, then
// cancel (approved) in a second session.
func TestChatOffline(t *testing.T) {
	t.Parallel()
	sb := sandboxtest.Start(t, sandbox.Options{})
	env := map[string]string{"MM_DATA_DIR": t.TempDir(), "MM_SANDBOX_URL": sb.URL}
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorCLI}
	// Connecting ends in a browser and serve's callback: done here directly.
	withApp(t, env, func(a *app) {
		connectInSandbox(t, context.Background(), a, editor, platform.Twitter)
	})

	script := strings.Join([]string{
		"connect linkedin",
		"accounts",
		`post "Hello from the terminal" to x`,
		"y",
		`schedule "See you tomorrow" to x tomorrow 9am`,
		"y",
		"analytics 7d",
		"jobs",
		`post "With a picture" to x with image https://media.invalid/tent.jpg`,
		"y",
	}, "\n") + "\n"
	out, _, err := chatRun(t, env, script, "--workspace", "T1", "--user", "U1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"/oauth", // the connect link
		"Approve \"Publish now to Acme Coffee (X profile)", "Approved: Publish now to Acme Coffee (X profile)", "Published on X.",
		"Approve \"Schedule for ", "Approved: Schedule for ",
		"Published on X.", "Your review of ", "Scheduled for Mon 7 Dec, 09:00 UTC", "On X: “See you tomorrow”", "Scheduled post: due ",
		// The picture cannot be downloaded: found before anyone is asked to
		// approve, the link's fault, not X's.
		"Image 1 is on a host name that does not exist; check the link.",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	if n := sb.Calls("POST", "/api.x.com/2/tweets"); n != 1 {
		t.Fatalf("%d posts on X, want 1:\n%s", n, out)
	}
	// Nothing a marketer must not read: JSON, field counts, Go errors.
	for _, bad := range []string{"{", "fields", "items", "publish:", "dial tcp", "agents:", "T09:00:00Z", "X rejected", "X refused"} {
		if strings.Contains(out, bad) {
			t.Fatalf("output reads %q:\n%s", bad, out)
		}
	}

	var scheduled string
	withApp(t, env, func(a *app) {
		posts, _, err := a.publish.List(context.Background(), editor, 10, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range posts {
			if p.Status == "scheduled" {
				scheduled = p.ID
			}
		}
	})
	if scheduled == "" {
		t.Fatalf("no scheduled post:\n%s", out)
	}
	out, _, err = chatRun(t, env, "cancel "+scheduled+"\ny\n", "--workspace", "T1", "--user", "U1")
	if err != nil || !strings.Contains(out, "Approved: Cancel the scheduled post") || strings.Contains(out, scheduled) {
		t.Fatalf("cancel: %v\n%s", err, out)
	}
	withApp(t, env, func(a *app) {
		p, err := a.publish.Get(context.Background(), editor, scheduled)
		if err != nil || p.Status != "cancelled" {
			t.Fatalf("post = %+v, %v", p, err)
		}
	})
	if n := sb.Calls("POST", "/api.x.com/2/tweets"); n != 1 {
		t.Fatalf("%d posts on X after the cancel, want 1", n)
	}

	// The workspace turns approval off (tools/settings): the agent's post
	// goes out at once.
	withApp(t, env, func(a *app) {
		never := "never"
		admin := identity.Caller{WorkspaceID: "T1", UserID: "U-admin", Role: identity.Admin, Door: identity.DoorCLI}
		if _, err := a.settings.Update(context.Background(), admin, settings.Patch{ApprovalPolicy: &never}); err != nil {
			t.Fatal(err)
		}
	})
	out, _, err = chatRun(t, env, `post "No approval needed" to x`+"\n", "--workspace", "T1", "--user", "U1")
	if err != nil || strings.Contains(out, "Approve") || !strings.Contains(out, "Published on X.") {
		t.Fatalf("policy never: %v\n%s", err, out)
	}
	if n := sb.Calls("POST", "/api.x.com/2/tweets"); n != 2 {
		t.Fatalf("%d posts on X with approval off, want 2", n)
	}
}
