package inbox

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/facebook"
	"github.com/marketingminds/marketingminds/integrations/instagram"
	"github.com/marketingminds/marketingminds/integrations/linkedin"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/integrations/twitter"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// fakeAccounts is tools/accounts for the tests: connected accounts with
// the sandbox tokens the consent flows gave.
type fakeAccounts struct{ byID map[string]connected }

type connected struct {
	acc Account
	t   platform.Target
}

func (f *fakeAccounts) Get(_ context.Context, c identity.Caller, id string) (accounts.Account, error) {
	a, ok := f.byID[id]
	if !ok || a.acc.WorkspaceID != c.WorkspaceID {
		return accounts.Account{}, accounts.ErrNotFound
	}
	return accounts.Account{ID: id, Platform: a.acc.Platform, ExternalID: a.acc.ExternalID}, nil
}

func (f *fakeAccounts) ValidToken(_ context.Context, c identity.Caller, id string) (platform.Target, error) {
	a, ok := f.byID[id]
	if !ok || a.acc.WorkspaceID != c.WorkspaceID {
		return platform.Target{}, accounts.ErrNotFound
	}
	return a.t, nil
}

func (f *fakeAccounts) Accounts(context.Context) ([]Account, error) {
	var out []Account
	for _, a := range f.byID {
		out = append(out, a.acc)
	}
	return out, nil
}

const metaSecret = "app-secret-1"

type world struct {
	sb    *sandboxtest.Server
	clock *sandboxtest.Clock
	svc   *Service
	st    Store
	accs  *fakeAccounts
	fb    *facebook.Client
	li    *linkedin.Client
	hook  *httptest.Server
}

// setupWorld connects the seeded Facebook Page, Instagram account, LinkedIn
// organization and X user of a sandbox to workspace T1 and serves the
// service's Meta webhook.
func setupWorld(t testing.TB, backend store.Backend) *world {
	t.Helper()
	ctx := context.Background()
	clk := sandboxtest.NewClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), time.Millisecond)
	sb := sandboxtest.Start(t, sandbox.Options{Now: clk.Now, AccessTokenTTL: 30 * 24 * time.Hour}) // tokens outlive the clock moves
	w := &world{sb: sb, clock: clk, accs: &fakeAccounts{byID: map[string]connected{}}}
	const redirect = "https://app.example.com/callback"
	code := func(authURL string) string {
		c := sandboxtest.Consent(t, authURL).Get("code")
		if c == "" {
			t.Fatalf("no code from %s", authURL)
		}
		return c
	}
	add := func(id string, p platform.Name, a platform.Account, token string) {
		if a.AccessToken != "" {
			token = a.AccessToken
		}
		w.accs.byID[id] = connected{acc: Account{WorkspaceID: "T1", ID: id, Platform: p, ExternalID: a.ExternalID},
			t: platform.Target{ExternalID: a.ExternalID, AccessToken: token}}
	}
	w.fb = facebook.NewClient(sb.Client, sb.Hosts, facebook.Config{ClientID: "app-1", ClientSecret: metaSecret})
	tok, err := w.fb.Exchange(ctx, code(w.fb.AuthCodeURL("s", redirect, "")), redirect, "")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := w.fb.Accounts(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	add("acc-fb", platform.Facebook, pages[0], "")
	ig := instagram.NewClient(sb.Client, sb.Hosts, instagram.Config{ClientID: "app-ig", ClientSecret: metaSecret})
	if tok, err = ig.Exchange(ctx, code(ig.AuthCodeURL("s", redirect, "")), redirect, ""); err != nil {
		t.Fatal(err)
	}
	igs, err := ig.Accounts(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	add("acc-ig", platform.Instagram, igs[0], "")
	w.li = linkedin.NewClient(sb.Client, sb.Hosts, linkedin.Config{ClientID: "li", ClientSecret: "li-s", Now: clk.Now}, safehttp.New(safehttp.Options{AllowPrivate: true}))
	if tok, err = w.li.Exchange(ctx, code(w.li.AuthCodeURL("s", redirect, "")), redirect, ""); err != nil {
		t.Fatal(err)
	}
	lis, err := w.li.Accounts(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range lis {
		switch a.Kind {
		case "organization":
			if _, ok := w.accs.byID["acc-li"]; !ok {
				add("acc-li", platform.LinkedIn, a, tok.AccessToken)
			}
		default: // the member's own profile: its comments cannot be read
			add("acc-li-member", platform.LinkedIn, a, tok.AccessToken)
		}
	}
	x := twitter.NewClient(sb.Client, sb.Hosts, twitter.Config{ClientID: "x", ClientSecret: "x-s", Now: clk.Now}, safehttp.New(safehttp.Options{AllowPrivate: true}))
	verifier := oauth2.GenerateVerifier()
	if tok, err = x.Exchange(ctx, code(x.AuthCodeURL("s", redirect, verifier)), redirect, verifier); err != nil {
		t.Fatal(err)
	}
	xs, err := x.Accounts(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	add("acc-x", platform.Twitter, xs[0], tok.AccessToken)

	w.st = NewStore(storetest.Open(t, backend, Schema))
	w.svc = New(Config{Store: w.st, Accounts: w.accs, Directory: w.accs, Log: zerolog.Nop(), Now: clk.Now,
		Adapters:      map[platform.Name]any{platform.Facebook: w.fb, platform.Instagram: ig, platform.LinkedIn: w.li, platform.Twitter: x},
		MetaAppSecret: metaSecret, MetaVerifyToken: "verify-me"})
	w.hook = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			q := r.URL.Query()
			if c, ok := w.svc.MetaHandshake(q.Get("hub.mode"), q.Get("hub.verify_token"), q.Get("hub.challenge")); ok {
				_, _ = io.WriteString(rw, c)
				return
			}
			rw.WriteHeader(http.StatusForbidden)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if _, err := w.svc.MetaWebhook(r.Context(), body, r.Header.Get("X-Hub-Signature-256")); err != nil {
			rw.WriteHeader(http.StatusForbidden)
		}
	}))
	t.Cleanup(w.hook.Close)
	return w
}
