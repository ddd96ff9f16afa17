package publish

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

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/integrations/twitter"
	fk "github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// sandboxAccounts holds one X account connected through the sandbox's real
// OAuth flow; RefreshToken uses the adapter's real refresh (X rotates the
// refresh token).
type sandboxAccounts struct {
	client   *twitter.Client
	external string

	mu        sync.Mutex
	tok       *oauth2.Token
	refreshes int
}

func (a *sandboxAccounts) Account(ctx context.Context, ws, id string) (Account, error) {
	if ws != "W1" || id != "x1" {
		return Account{}, ErrUnknownAccount
	}
	return Account{ID: id, WorkspaceID: ws, Platform: platform.Twitter, ExternalID: a.external, Connected: true}, nil
}

func (a *sandboxAccounts) Token(ctx context.Context, ws, id string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tok.AccessToken, nil
}

func (a *sandboxAccounts) RefreshToken(ctx context.Context, ws, id, _ string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	tok, err := a.client.Refresh(ctx, a.tok.RefreshToken)
	if err != nil {
		return "", err
	}
	a.tok, a.refreshes = tok, a.refreshes+1
	return tok.AccessToken, nil
}

type sandboxBundle struct {
	svc      *Service
	sb       *sandbox.Sandbox
	st       Store
	accounts *sandboxAccounts
	editor   identity.Caller
	sch      *schedule.Scheduler
}

// sandboxSetup connects an X account on an in-process sandbox and runs a
// real scheduler over a fresh SQLite store, with millisecond backoffs.
func sandboxSetup(t testing.TB) *sandboxBundle {
	t.Helper()
	ctx := context.Background()
	srv := sandboxtest.Start(t, sandbox.Options{})
	sb := srv.Sandbox
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512}}
	t.Cleanup(hc.CloseIdleConnections)
	client := twitter.NewClient(hc, platform.Hosts{Sandbox: srv.URL}, twitter.Config{ClientID: "cid", ClientSecret: "secret"}, nil)

	// The real OAuth flow: authorize (auto-approved), exchange with PKCE.
	const redirect = "http://127.0.0.1/callback"
	verifier := oauth2.GenerateVerifier()
	code := sandboxtest.Consent(t, client.AuthCodeURL("st", redirect, verifier)).Get("code")
	if code == "" {
		t.Fatal("authorize gave no code")
	}
	tok, err := client.Exchange(ctx, code, redirect, verifier)
	if err != nil {
		t.Fatal(err)
	}
	accts, err := client.Accounts(ctx, tok)
	if err != nil || len(accts) != 1 {
		t.Fatalf("accounts = %v, %v", accts, err)
	}

	db := storetest.Open(t, store.SQLite, Schema, schedule.Schema)
	reg := schedule.NewRegistry()
	sch, err := schedule.New(db, reg, schedule.Options{Log: zerolog.Nop(), Poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	b := &sandboxBundle{sb: sb, st: NewStore(db), accounts: &sandboxAccounts{client: client, external: accts[0].ExternalID, tok: tok},
		editor: identity.Caller{WorkspaceID: "W1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}, sch: sch}
	b.svc, err = New(Config{Store: b.st, Accounts: b.accounts, Jobs: SchedulerJobs(sch), Log: zerolog.Nop(),
		Adapters: map[platform.Name]Adapter{platform.Twitter: client},
		Backoff:  func(n int) time.Duration { return 10 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Register(reg); err != nil {
		t.Fatal(err)
	}
	if err := sch.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sch.Stop(context.Background()) })
	return b
}

// settle waits (with a deadline) until the post's only delivery settles.
func (b *sandboxBundle) settle(t *testing.T, postID string, within time.Duration) Delivery {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		p, err := b.st.GetPost(context.Background(), "W1", postID)
		if err != nil {
			t.Fatal(err)
		}
		if d := p.Targets[0]; d.Status.Settled() {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery still %s after %s: %+v", p.Targets[0].Status, within, p.Targets[0])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (b *sandboxBundle) schedule(t *testing.T, text string) string {
	t.Helper()
	sch, err := b.svc.Schedule(context.Background(), b.editor, req(text, "x1"), time.Now().Add(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return sch.PostID
}

const xPosts = "/api.x.com/2/tweets"

func TestSandboxRateLimitWaitsForReset(t *testing.T) {
	t.Parallel()
	b := sandboxSetup(t)
	b.sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: "POST", Path: "/2/tweets", Kind: sandbox.FaultRateLimit, RetryAfter: time.Second, Times: 1})
	start := time.Now()
	d := b.settle(t, b.schedule(t, "Rate limited, then fine"), 10*time.Second)
	if d.Status != StatusPublished || d.Attempts != 1 || time.Since(start) < 500*time.Millisecond {
		t.Fatalf("delivery = %+v after %s; want published after waiting for the reset, one attempt used", d, time.Since(start))
	}
	if n := b.sb.Calls("POST", xPosts); n != 2 {
		t.Fatalf("POST /2/tweets calls = %d, want 2", n)
	}
}

func TestSandboxServerErrorTwiceThenSuccess(t *testing.T) {
	t.Parallel()
	b := sandboxSetup(t)
	b.sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: "POST", Path: "/2/tweets", Kind: sandbox.FaultServerError, Times: 2})
	d := b.settle(t, b.schedule(t, "Third attempt lucky"), 10*time.Second)
	if d.Status != StatusPublished || d.Attempts != 3 || b.sb.Calls("POST", xPosts) != 3 {
		t.Fatalf("delivery = %+v, %d calls; want published on the third attempt", d, b.sb.Calls("POST", xPosts))
	}
}

func TestSandboxExpiredTokenRefreshed(t *testing.T) {
	t.Parallel()
	b := sandboxSetup(t)
	b.sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: "POST", Path: "/2/tweets", Kind: sandbox.FaultTokenExpired, Times: 1})
	d := b.settle(t, b.schedule(t, "After a refresh"), 10*time.Second)
	if d.Status != StatusPublished || b.accounts.refreshes != 1 || b.sb.Calls("POST", "/api.x.com/2/oauth2/token") != 2 {
		t.Fatalf("delivery = %+v, refreshes %d, token calls %d", d, b.accounts.refreshes, b.sb.Calls("POST", "/api.x.com/2/oauth2/token"))
	}
}

func TestSandboxPermanentRejection(t *testing.T) {
	t.Parallel()
	b := sandboxSetup(t)
	b.sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: "POST", Path: "/2/tweets", Status: 400, Times: 1,
		Body: `{"errors":[{"message":"The text of your post is not allowed."}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.x.com/2/problems/invalid-request"}`})
	d := b.settle(t, b.schedule(t, "Refused"), 10*time.Second)
	if d.Status != StatusFailed || !strings.Contains(d.LastError, "The text of your post is not allowed.") || b.sb.Calls("POST", xPosts) != 1 {
		t.Fatalf("delivery = %+v, %d calls; want failed with X's message, no retry", d, b.sb.Calls("POST", xPosts))
	}
	if f := d.Failure; f == nil || f.Kind != fk.Refused || f.Platform != platform.Twitter || f.Message != "The text of your post is not allowed." {
		t.Fatalf("failure = %+v; want X's refusal in its own words", f)
	}
}

func TestSandboxAcceptedThenLostIsNotPostedTwice(t *testing.T) {
	t.Parallel()
	for _, mode := range []sandbox.Mode{sandbox.ModeAcceptThenFail, sandbox.ModeAcceptThenDrop} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			b := sandboxSetup(t)
			b.sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: "POST", Path: "/2/tweets", Kind: sandbox.FaultServerError, Mode: mode, Times: 1})
			// 30 s: under a saturated machine (-race, every package at
			// once) the pair once took longer than 10 s to be claimed.
			d := b.settle(t, b.schedule(t, "Landed despite the error: "+string(mode)), 30*time.Second)
			if d.Status != StatusPublished || d.PlatformPostID == "" || b.sb.Calls("POST", xPosts) != 1 {
				t.Fatalf("delivery = %+v, %d calls; want reconciled as published, sent once", d, b.sb.Calls("POST", xPosts))
			}
			// The post really is there, once, under that id.
			posts, err := b.svc.cfg.Adapters[platform.Twitter].RecentPosts(context.Background(),
				platform.Target{ExternalID: b.accounts.external, AccessToken: b.accounts.tok.AccessToken}, time.Now().Add(-time.Hour))
			if err != nil || len(posts) != 1 || posts[0].ID != d.PlatformPostID {
				t.Fatalf("timeline = %+v, %v", posts, err)
			}
		})
	}
}

func TestSandboxCrashWhilePublishingReconciles(t *testing.T) {
	t.Parallel()
	b := sandboxSetup(t)
	ctx := context.Background()
	// A replica marked the delivery publishing and reached X, then died: the
	// post exists, the store says publishing.
	sch, err := b.svc.Schedule(ctx, b.editor, req("Sent just before the crash", "x1"), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := b.st.GetPost(ctx, "W1", sch.PostID)
	d := p.Targets[0]
	d.Status, d.Attempts, d.StartedAt = StatusPublishing, 1, time.Now()
	if ok, err := b.st.SaveDeliveries(ctx, []Delivery{d}); err != nil || !ok[0] {
		t.Fatal(ok, err)
	}
	pub, err := b.svc.cfg.Adapters[platform.Twitter].Publish(ctx, platform.Target{ExternalID: b.accounts.external, AccessToken: b.accounts.tok.AccessToken}, d.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Deliver(ctx, "W1", d.ID, false); err != nil {
		t.Fatal(err)
	}
	got, _ := b.st.GetDelivery(ctx, "W1", d.ID)
	if got.Status != StatusPublished || got.PlatformPostID != pub.ID || b.sb.Calls("POST", xPosts) != 1 {
		t.Fatalf("delivery = %+v; want published as %s without a second send", got, pub.ID)
	}
	if err := b.svc.Deliver(ctx, "W1", d.ID, false); err != nil || errors.Is(err, ErrNotFound) {
		t.Fatalf("a settled delivery ran again: %v", err)
	}
}

// TestCancelledJobCancelsDelivery: cancelling a delivery's job directly
// (DELETE /api/jobs/{id}) shows on the post: the target is cancelled.
func TestCancelledJobCancelsDelivery(t *testing.T) {
	b := sandboxSetup(t)
	ctx := context.Background()
	res, err := b.svc.Schedule(ctx, b.editor, req("cancel my job", "x1"), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.sch.Cancel(ctx, "W1", res.JobIDs[0]); err != nil {
		t.Fatal(err)
	}
	p, err := b.st.GetPost(ctx, "W1", res.PostID)
	if err != nil {
		t.Fatal(err)
	}
	if d := p.Targets[0]; d.Status != StatusCancelled {
		t.Fatalf("delivery is %s after its job was cancelled, want cancelled", d.Status)
	}
}
