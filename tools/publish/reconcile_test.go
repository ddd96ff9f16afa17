package publish

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/facebook"
	"github.com/marketingminds/marketingminds/integrations/linkedin"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/integrations/twitter"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// grantAccounts are accounts connected through the sandbox's OAuth flows,
// each with the token that acts as it.
type grantAccounts struct {
	mu    sync.Mutex
	accts map[string]Account
	toks  map[string]string
}

func (g *grantAccounts) Account(ctx context.Context, ws, id string) (Account, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	a, ok := g.accts[id]
	if !ok || ws != a.WorkspaceID {
		return Account{}, fmt.Errorf("account %s: %w", id, ErrUnknownAccount)
	}
	return a, nil
}

func (g *grantAccounts) Token(ctx context.Context, ws, id string) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.toks[id], nil
}

func (g *grantAccounts) RefreshToken(ctx context.Context, ws, id, refused string) (string, error) {
	return "", &platform.Error{Platform: platform.LinkedIn, Op: "refresh token", Kind: platform.KindAuth, Message: "no refresh in this test"}
}

func (g *grantAccounts) add(id string, p platform.Name, a platform.Account, tok string) {
	if a.AccessToken != "" {
		tok = a.AccessToken // a Facebook Page token
	}
	g.accts[id] = Account{ID: id, WorkspaceID: "W1", Platform: p, ExternalID: a.ExternalID, Name: a.Name, Connected: true}
	g.toks[id] = tok
}

type reconcileBundle struct {
	svc    *Service
	st     Store
	sb     *sandboxtest.Server
	accts  *grantAccounts
	editor identity.Caller
}

// reconcileSetup connects, through the sandbox's consent pages and the
// adapters' real code exchanges, an X user ("x"), the LinkedIn member
// ("li-member") with the app's default scopes (no r_member_social, as
// LinkedIn grants it to partners only), an organization the member
// administers ("li-org") and a Facebook Page ("fb").
func reconcileSetup(t *testing.T) *reconcileBundle {
	t.Helper()
	ctx := context.Background()
	sb := sandboxtest.Start(t, sandbox.Options{})
	const redirect = "http://127.0.0.1/callback"
	g := &grantAccounts{accts: map[string]Account{}, toks: map[string]string{}}

	x := twitter.NewClient(sb.Client, sb.Hosts, twitter.Config{ClientID: "cid", ClientSecret: "secret"}, nil)
	verifier := oauth2.GenerateVerifier()
	tok, err := x.Exchange(ctx, sandboxtest.Consent(t, x.AuthCodeURL("s", redirect, verifier)).Get("code"), redirect, verifier)
	if err != nil {
		t.Fatal(err)
	}
	xa, err := x.Accounts(ctx, tok)
	if err != nil || len(xa) != 1 {
		t.Fatalf("X accounts = %v, %v", xa, err)
	}
	g.add("x", platform.Twitter, xa[0], tok.AccessToken)

	li := linkedin.NewClient(sb.Client, sb.Hosts, linkedin.Config{ClientID: "li", ClientSecret: "secret"}, safehttp.New(safehttp.Options{AllowPrivate: true}))
	tok, err = li.Exchange(ctx, sandboxtest.Consent(t, li.AuthCodeURL("s", redirect, "")).Get("code"), redirect, "")
	if err != nil {
		t.Fatal(err)
	}
	la, err := li.Accounts(ctx, tok)
	if err != nil || len(la) < 2 || la[0].Kind != "member" || la[1].Kind != "organization" {
		t.Fatalf("LinkedIn accounts = %+v, %v", la, err)
	}
	g.add("li-member", platform.LinkedIn, la[0], tok.AccessToken)
	g.add("li-org", platform.LinkedIn, la[1], tok.AccessToken)

	fb := facebook.NewClient(sb.Client, sb.Hosts, facebook.Config{ClientID: "fb", ClientSecret: "secret"})
	tok, err = fb.Exchange(ctx, sandboxtest.Consent(t, fb.AuthCodeURL("s", redirect, "")).Get("code"), redirect, "")
	if err != nil {
		t.Fatal(err)
	}
	fa, err := fb.Accounts(ctx, tok)
	if err != nil || len(fa) == 0 {
		t.Fatalf("Facebook pages = %+v, %v", fa, err)
	}
	g.add("fb", platform.Facebook, fa[0], tok.AccessToken)

	db := storetest.Open(t, store.SQLite, Schema)
	b := &reconcileBundle{st: NewStore(db), sb: sb, accts: g,
		editor: identity.Caller{WorkspaceID: "W1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}}
	b.svc, err = New(Config{Store: b.st, Accounts: g, Jobs: &fakeJobs{specs: map[string]JobSpec{}, cancelled: map[string]bool{}}, Log: zerolog.Nop(),
		Adapters: map[platform.Name]Adapter{platform.Twitter: x, platform.LinkedIn: li, platform.Facebook: fb}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// crashed stores a post to account as a replica that marked it publishing
// and died; when sent, the platform got it first.
func (b *reconcileBundle) crashed(t *testing.T, account, text string, sent bool) (Delivery, string) {
	t.Helper()
	ctx := context.Background()
	sch, err := b.svc.Schedule(ctx, b.editor, req(text, account), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	p, err := b.st.GetPost(ctx, "W1", sch.PostID)
	if err != nil {
		t.Fatal(err)
	}
	d := p.Targets[0]
	d.Status, d.Attempts, d.StartedAt = StatusPublishing, 1, time.Now()
	if ok, err := b.st.SaveDeliveries(ctx, []Delivery{d}); err != nil || !ok[0] {
		t.Fatal(ok, err)
	}
	d.Rev++
	id := ""
	if sent {
		a := b.accts.accts[account]
		pub, err := b.svc.cfg.Adapters[a.Platform].Publish(ctx, platform.Target{ExternalID: a.ExternalID, AccessToken: b.accts.toks[account]}, d.Body)
		if err != nil {
			t.Fatal(err)
		}
		id = pub.ID
	}
	return d, id
}

// TestReconcileAfterCrash: a delivery left publishing is settled in one
// run, on every kind of account: found where the platform lets us read the
// account back (X, a LinkedIn organization, a Facebook Page), unconfirmed
// at once, saying why in a marketer's words, where it refuses (a LinkedIn
// member without the partner-only r_member_social).
func TestReconcileAfterCrash(t *testing.T) {
	t.Parallel()
	b := reconcileSetup(t)
	ctx := context.Background()
	cases := []struct {
		account   string
		sent      bool
		want      Status
		reason    string
		readsPath string
	}{
		{"x", true, StatusPublished, "", "/api.x.com/2/users/"},
		{"x", false, StatusUnconfirmed, "the post is not on X", "/api.x.com/2/users/"},
		{"li-org", true, StatusPublished, "", "/api.linkedin.com/rest/posts"},
		{"li-member", true, StatusUnconfirmed, "LinkedIn does not let us read your profile's posts to check; look at your feed, then publish anyway or cancel", "/api.linkedin.com/rest/posts"},
		{"fb", true, StatusPublished, "", "/graph.facebook.com/"},
	}
	for i, tc := range cases {
		d, sentID := b.crashed(t, tc.account, fmt.Sprintf("Sent just before the crash, case %d", i), tc.sent)
		reads := b.sb.Sandbox.Calls("GET", tc.readsPath)
		if err := b.svc.Deliver(ctx, "W1", d.ID, false); err != nil {
			t.Fatalf("%s: Deliver = %v; want the delivery settled in one run", tc.account, err)
		}
		got, err := b.st.GetDelivery(ctx, "W1", d.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantID := ""
		if tc.want == StatusPublished {
			wantID = sentID
		}
		if got.Status != tc.want || got.PlatformPostID != wantID || (tc.reason != "" && !strings.Contains(got.LastError, tc.reason)) {
			t.Errorf("%s (sent %v): delivery %s %q, error %q; want %s %q with %q", tc.account, tc.sent, got.Status, got.PlatformPostID, got.LastError, tc.want, wantID, tc.reason)
		}
		if n := b.sb.Sandbox.Calls("GET", tc.readsPath) - reads; n < 1 || (tc.account == "li-member" && n != 1) {
			t.Errorf("%s: %d reads of the account; want the refusal taken at the first", tc.account, n)
		}
		// Settled: another run does nothing.
		if err := b.svc.Deliver(ctx, "W1", d.ID, false); err != nil {
			t.Errorf("%s: a settled delivery ran again: %v", tc.account, err)
		}
	}
	// The member's unconfirmed post offers what the message says.
	d, _ := b.crashed(t, "li-member", "Unconfirmed, then cancelled", true)
	if err := b.svc.Deliver(ctx, "W1", d.ID, false); err != nil {
		t.Fatal(err)
	}
	v, err := b.svc.Get(ctx, b.editor, d.PostID)
	if err != nil || strings.Join(v.Targets[0].Actions, ",") != "publish_anyway,cancel" {
		t.Fatalf("actions = %v, %v; want publish_anyway and cancel", v.Targets, err)
	}
	if v, err := b.svc.Cancel(ctx, b.editor, d.PostID); err != nil || v.Targets[0].Status != StatusCancelled {
		t.Fatalf("cancel of an unconfirmed target = %+v, %v", v.Targets, err)
	}
}

// TestReconcileTransientReadsAreBounded: a read that fails for a reason
// that may pass is retried, ReconcileTries times at most, then the delivery
// is unconfirmed; one that passes in time finds the post.
func TestReconcileTransientReadsAreBounded(t *testing.T) {
	t.Parallel()
	b := reconcileSetup(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		faults int
		want   Status
	}{
		{"fails every time", 10, StatusUnconfirmed},
		{"fails twice", 2, StatusPublished},
	} {
		d, sentID := b.crashed(t, "x", "Timeline down: "+tc.name, true)
		b.sb.Sandbox.InjectFault(sandbox.Fault{Platform: "twitter", Method: "GET", Path: "/2/users/", Kind: sandbox.FaultServerError, Times: tc.faults})
		var runs int
		var got Delivery
		for runs = 1; runs <= 10; runs++ {
			err := b.svc.Deliver(ctx, "W1", d.ID, false)
			var err2 error
			got, err2 = b.st.GetDelivery(ctx, "W1", d.ID)
			if err2 != nil {
				t.Fatal(err2)
			}
			if err == nil {
				break
			}
			if got.Status != StatusPublishing || got.Checks != runs || !strings.Contains(got.LastError, "temporary problem") {
				t.Fatalf("%s: after failed read %d: %s, checks %d, %q", tc.name, runs, got.Status, got.Checks, got.LastError)
			}
		}
		wantRuns := min(tc.faults+1, b.svc.cfg.ReconcileTries)
		if got.Status != tc.want || runs != wantRuns {
			t.Fatalf("%s: %s after %d runs (%q); want %s after %d", tc.name, got.Status, runs, got.LastError, tc.want, wantRuns)
		}
		if tc.want == StatusPublished && got.PlatformPostID != sentID {
			t.Fatalf("%s: published as %q, want %q", tc.name, got.PlatformPostID, sentID)
		}
		if tc.want == StatusUnconfirmed && !strings.Contains(got.LastError, "could not be checked after 3 tries") {
			t.Fatalf("%s: reason %q", tc.name, got.LastError)
		}
		b.sb.Sandbox.ClearFaults()
	}
}
