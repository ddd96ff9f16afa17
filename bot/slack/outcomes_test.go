package slack_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/integrations/twitter"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// xAccounts are acc1 and acc2 of the door's accounts fake, both one X
// account connected through the sandbox's real OAuth flow.
type xAccounts struct {
	external string
	token    string
}

func (a xAccounts) Account(_ context.Context, ws, id string) (publish.Account, error) {
	if ws != team || (id != "acc1" && id != "acc2") {
		return publish.Account{}, publish.ErrUnknownAccount
	}
	return publish.Account{ID: id, WorkspaceID: ws, Platform: platform.Twitter, ExternalID: a.external, Connected: true}, nil
}

func (a xAccounts) Token(context.Context, string, string) (string, error) { return a.token, nil }

func (a xAccounts) RefreshToken(context.Context, string, string, string) (string, error) {
	return a.token, nil
}

// jobWorld is tools/publish with a real scheduler over the sandbox, its
// outcomes fanned out to every replica's door (as cmd wires OnSettled).
type jobWorld struct {
	db  *store.DB
	svc *publish.Service
	sb  *sandbox.Sandbox

	mu   sync.Mutex
	bots []*slack.Bot
}

func newJobWorld(t *testing.T) *jobWorld {
	t.Helper()
	ctx := context.Background()
	srv := sandboxtest.Start(t, sandbox.Options{})
	hc := &http.Client{}
	t.Cleanup(hc.CloseIdleConnections)
	x := twitter.NewClient(hc, platform.Hosts{Sandbox: srv.URL}, twitter.Config{ClientID: "cid", ClientSecret: "secret"}, nil)
	const redirect = "http://127.0.0.1/callback"
	verifier := oauth2.GenerateVerifier()
	tok, err := x.Exchange(ctx, sandboxtest.Consent(t, x.AuthCodeURL("st", redirect, verifier)).Get("code"), redirect, verifier)
	if err != nil {
		t.Fatal(err)
	}
	accts, err := x.Accounts(ctx, tok)
	if err != nil || len(accts) != 1 {
		t.Fatalf("accounts = %v, %v", accts, err)
	}
	w := &jobWorld{db: storetest.Open(t, store.SQLite, publish.Schema, schedule.Schema, identity.Schema, identity.SessionSchema, slack.Schema), sb: srv.Sandbox}
	reg := schedule.NewRegistry()
	sch, err := schedule.New(w.db, reg, schedule.Options{Log: zerolog.Nop(), Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	w.svc, err = publish.New(publish.Config{Store: publish.NewStore(w.db), Accounts: xAccounts{external: accts[0].ExternalID, token: tok.AccessToken},
		Adapters: map[platform.Name]publish.Adapter{platform.Twitter: x}, Jobs: publish.SchedulerJobs(sch), Log: zerolog.Nop(),
		MaxAttempts: 1, OnSettled: func(d publish.Delivery) {
			w.mu.Lock()
			defer w.mu.Unlock()
			for _, b := range w.bots {
				b.Settled(d)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Register(reg); err != nil {
		t.Fatal(err)
	}
	if err := sch.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sch.Stop(context.Background()) })
	return w
}

// door is a replica's Slack door publishing through the world.
func (w *jobWorld) door(t *testing.T, other *bundle, opts ...option) *bundle {
	t.Helper()
	opts = append(opts, func(_ *slack.Config, d *slack.Deps) { d.Publisher, d.Posts = w.svc, w.svc })
	var b *bundle
	if other == nil {
		b = setupDB(t, w.db, opts...)
	} else {
		b = setupOn(t, other, opts...)
	}
	w.mu.Lock()
	w.bots = append(w.bots, b.bot)
	w.mu.Unlock()
	return b
}

// outcomes waits (with a deadline) until the fakes hold want outcome
// messages between them and returns them; then it checks no more follow
// once every door is idle.
func outcomes(t *testing.T, want int, doors ...*bundle) []slackfake.Call {
	t.Helper()
	collect := func() []slackfake.Call {
		var got []slackfake.Call
		for _, d := range doors {
			for _, c := range d.fake.Calls("chat.postMessage") {
				if strings.HasPrefix(c.Args.Get("text"), "Post ") && c.Result["ok"] == true {
					got = append(got, c)
				}
			}
		}
		return got
	}
	deadline := time.Now().Add(15 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for len(collect()) < want && time.Now().Before(deadline) {
		<-tick.C
	}
	for _, d := range doors {
		d.bot.Wait()
	}
	got := collect()
	if len(got) != want {
		t.Fatalf("%d outcome messages, want %d: %+v", len(got), want, got)
	}
	return got
}

// at is a time just ahead, as /mm schedule takes it: far enough ahead that
// the command still finds it in the future on a busy machine.
func at(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339Nano) }

func TestScheduledOutcomeToldInItsChannel(t *testing.T) {
	t.Parallel()
	w := newJobWorld(t)
	b := w.door(t, nil)
	out := slashRun(t, b, "U1", `schedule "Launch day is here" to twitter `+at(2*time.Second))
	if !strings.Contains(out, "Scheduled for") || !strings.Contains(out, "On X: “Launch day is here”") {
		t.Fatalf("/mm schedule answered %q", out)
	}
	got := outcomes(t, 1, b)
	if got[0].Args.Get("channel") != channel || got[0].Args.Get("thread_ts") != "" {
		t.Fatalf("told in %+v", got[0].Args)
	}
	posts, _, err := w.svc.List(context.Background(), identity.Caller{WorkspaceID: team, UserID: "U1", Role: identity.Viewer}, 1, "")
	if err != nil || len(posts) != 1 || posts[0].Status != "published" || posts[0].Targets[0].URL == "" {
		t.Fatalf("posts = %+v, %v", posts, err)
	}
	if blocks := got[0].Args.Get("blocks"); !strings.Contains(blocks, posts[0].Targets[0].URL) || strings.Contains(blocks, "mm_retry") {
		t.Fatalf("outcome lacks the permalink %s (or offers a retry): %s", posts[0].Targets[0].URL, blocks)
	}
}

func TestFailedOutcomeHasReasonAndRetry(t *testing.T) {
	t.Parallel()
	w := newJobWorld(t)
	w.sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: http.MethodPost, Path: "/2/tweets", Status: http.StatusForbidden,
		Body: `{"title":"Forbidden","detail":"You are not permitted to perform this action.","type":"about:blank","status":403}`, Times: 1})
	b := w.door(t, nil)
	if out := slashRun(t, b, "U1", `schedule "Refused by X" to twitter `+at(2*time.Second)); !strings.Contains(out, "Scheduled for") {
		t.Fatalf("/mm schedule answered %q", out)
	}
	got := outcomes(t, 1, b)
	posts, _, err := w.svc.List(context.Background(), identity.Caller{WorkspaceID: team, UserID: "U1", Role: identity.Viewer}, 1, "")
	if err != nil || len(posts) != 1 || posts[0].Targets[0].Status != publish.StatusFailed || posts[0].Targets[0].Error == "" {
		t.Fatalf("posts = %+v, %v", posts, err)
	}
	blocks := got[0].Args.Get("blocks")
	for _, want := range []string{"X refused the post: “You are not permitted to perform this action”", `"mm_retry"`, `"` + posts[0].ID + `"`} {
		if !strings.Contains(blocks, want) {
			t.Fatalf("failed outcome lacks %s: %s", want, blocks)
		}
	}

	// Retry calls tools/publish Retry; its outcome replaces the message, and
	// is not told a second time.
	b.signed(t, "/slack/interactivity", clickValue("U1", "mm_retry", posts[0].ID, got[0].TS()))
	b.bot.Wait()
	updates := b.fake.Calls("chat.update")
	if len(updates) != 1 || !strings.Contains(updates[0].Args.Get("text"), "Retried by <@U1>") || !strings.Contains(updates[0].Args.Get("blocks"), "|View the post") {
		t.Fatalf("updates = %+v", updates)
	}
	if p, err := w.svc.Get(context.Background(), identity.Caller{WorkspaceID: team, UserID: "U1", Role: identity.Viewer}, posts[0].ID); err != nil || p.Status != "published" {
		t.Fatalf("retried post = %+v, %v", p, err)
	}
	outcomes(t, 1, b)
}

// Two deliveries of one post settle at once and every replica's door hears
// of both: one message, in the channel of the /mm schedule.
func TestOneMessagePerPostAcrossDeliveriesAndReplicas(t *testing.T) {
	t.Parallel()
	w := newJobWorld(t)
	b := w.door(t, nil)
	replica := w.door(t, b, func(c *slack.Config, _ *slack.Deps) { c.NotifyChannel = dm })
	slashRun(t, b, "U1", `schedule "Everywhere at once" to twitter,linkedin `+at(2*time.Second))
	got := outcomes(t, 1, b, replica)
	if got[0].Args.Get("channel") != channel {
		t.Fatalf("told in %s, want the /mm channel %s", got[0].Args.Get("channel"), channel)
	}
	// X refuses the same text twice: one target is published, the other failed.
	text := got[0].Args.Get("blocks")
	if strings.Count(text, "• *X* ") != 2 || strings.Count(text, "|View the post") != 1 || !strings.Contains(text, "duplicate") {
		t.Fatalf("outcome should name both targets, one published and one refused as a duplicate: %s", text)
	}
}

// /mm post publishes at once: the outcome still finds the channel it was
// asked in, though it settles before the door records that.
func TestPublishNowOutcomeToldInItsChannel(t *testing.T) {
	t.Parallel()
	w := newJobWorld(t)
	b := w.door(t, nil, func(c *slack.Config, _ *slack.Deps) { c.NotifyChannel = dm })
	if out := slashRun(t, b, "U1", `post "Right now" to twitter`); !strings.Contains(out, "published") {
		t.Fatalf("/mm post answered %q", out)
	}
	got := outcomes(t, 1, b)
	if got[0].Args.Get("channel") != channel {
		t.Fatalf("told in %s, want the /mm channel %s", got[0].Args.Get("channel"), channel)
	}
}

// A post asked for elsewhere goes to the notification channel when there is
// one, else nowhere (replicas of one deployment share its configuration).
func TestOutcomeOfPostFromElsewhere(t *testing.T) {
	t.Parallel()
	api := identity.Caller{WorkspaceID: team, UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}
	for _, notify := range []string{dm, ""} {
		w := newJobWorld(t)
		door := w.door(t, nil, func(c *slack.Config, _ *slack.Deps) { c.NotifyChannel = notify })
		replica := w.door(t, door, func(c *slack.Config, _ *slack.Deps) { c.NotifyChannel = notify })
		o, err := w.svc.PublishNow(context.Background(), api, publish.Request{Content: publish.Content{Text: "From the REST API"}, AccountIDs: []string{"acc2"}})
		if err != nil || !o.Success {
			t.Fatalf("publish = %+v, %v", o, err)
		}
		if notify == "" {
			door.bot.Wait()
			replica.bot.Wait()
			outcomes(t, 0, door, replica)
			continue
		}
		got := outcomes(t, 1, door, replica)
		if got[0].Args.Get("channel") != dm || got[0].Args.Get("thread_ts") != "" {
			t.Fatalf("told in %+v, want the notification channel %s", got[0].Args, dm)
		}
	}
}

// postingGate approves by scheduling the post through tools/publish, as
// the orchestrator's schedule_post does, and names the post it made.
type postingGate struct {
	svc *publish.Service
}

func (g postingGate) Get(context.Context, identity.Caller, string) (slack.Approval, error) {
	return launch, nil
}

func (g postingGate) Approve(ctx context.Context, c identity.Caller, _ string) (slack.Decision, error) {
	s, err := g.svc.Schedule(ctx, c, publish.Request{Content: publish.Content{Text: "Approved launch"}, AccountIDs: []string{"acc2"}}, time.Now().Add(300*time.Millisecond))
	if err != nil {
		return slack.Decision{}, err
	}
	return slack.Decision{Status: "done", Text: "Scheduled.", PostID: s.PostID}, nil
}

func (g postingGate) Reject(context.Context, identity.Caller, string, string) (slack.Decision, error) {
	return slack.Decision{Status: "rejected"}, nil
}

func (g postingGate) Choose(context.Context, identity.Caller, string, string, bool) (slack.Decision, error) {
	return slack.Decision{}, errors.New("this approval asks nothing")
}

// An approval approved by a click in a thread: its post's outcome answers
// in that thread, not the notification channel.
func TestApprovedPostOutcomeToldInTheThread(t *testing.T) {
	t.Parallel()
	w := newJobWorld(t)
	b := w.door(t, nil, func(c *slack.Config, d *slack.Deps) { c.NotifyChannel, d.Approvals = dm, postingGate{w.svc} })
	b.signed(t, "/slack/interactivity", click("U1", "mm_approve", "1700000200.000100"))
	b.bot.Wait()
	got := outcomes(t, 1, b)
	if got[0].Args.Get("channel") != channel || got[0].Args.Get("thread_ts") != askThread || !strings.Contains(got[0].Args.Get("blocks"), "|View the post") {
		t.Fatalf("told %+v, want a published outcome in thread %s of %s", got[0].Args, askThread, channel)
	}
}
