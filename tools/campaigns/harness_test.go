package campaigns

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// The sandbox's seeded Zoho org: its sender and its first mailing list
// (1,240 contacts, 18 unsubscribed, 7 bounced).
const (
	sender       = "patricia.boyle@zylker.example"
	newsletter   = "3z6a1f0c4b2e9d7a5c3e1f0b8d6a4c2e0f9b7d5a3c1e"
	newsletterTo = 1240 - 18 - 7
	sendPath     = "/campaigns.zoho.com/api/v1.1/sendcampaign"
)

// clock is real time moved on by an offset the test sets, shared by the
// sandbox, tools/accounts and the service (the scheduler keeps real time).
type clock struct{ offset atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// env is one test's world: the sandbox over HTTP, the real Zoho client
// pointed at it, tools/accounts with Zoho connected to workspace T1 through
// the real OAuth flow (T2 has no Zoho), the scheduler (not started) and the
// service, on one store.
type env struct {
	sb       *sandbox.Sandbox
	db       *store.DB
	clock    *clock
	acc      *accounts.Service
	sched    *schedule.Scheduler
	svc      *Service
	editor   identity.Caller
	viewer   identity.Caller
	stranger identity.Caller // editor of T2, which has no Zoho
}

func newEnv(t *testing.T, backend store.Backend) *env {
	t.Helper()
	e := &env{clock: &clock{},
		editor:   identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI},
		viewer:   identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Viewer, Door: identity.DoorAPI},
		stranger: identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Editor, Door: identity.DoorAPI}}
	srv := sandboxtest.Start(t, sandbox.Options{Now: e.clock.Now})
	e.sb = srv.Sandbox
	hc := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	zc := zoho.NewClient(hc, srv.Hosts, zoho.Config{ClientID: "mm-zoho", ClientSecret: "zoho-secret"})

	e.db = storetest.Open(t, backend, oauth.Schema, audit.Schema, accounts.Schema, schedule.Schema, Schema)
	k, err := oauth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	vault, err := oauth.NewVault(oauth.Keyring{Current: k})
	if err != nil {
		t.Fatal(err)
	}
	e.acc, err = accounts.New(accounts.Config{PublicURL: "https://mm.example", Sandbox: true}, accounts.Deps{
		DB: e.db, Vault: vault, Zoho: zc, Audit: audit.New(e.db, nil), Log: zerolog.Nop(), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.connectZoho(t)

	reg := schedule.NewRegistry()
	e.sched, err = schedule.New(e.db, reg, schedule.Options{Log: zerolog.Nop(), Poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e.svc, err = New(Config{Store: NewStore(e.db), Tokens: e.acc, Zoho: zc, Jobs: SchedulerJobs(e.sched),
		PublicURL: "https://mm.example/", FromEmail: sender, FromName: "Patricia", Log: zerolog.Nop(), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Register(reg); err != nil {
		t.Fatal(err)
	}
	return e
}

// connectZoho runs the Zoho OAuth flow for T1 as the editor.
func (e *env) connectZoho(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	u, err := e.acc.Connect(ctx, e.editor, platform.Zoho, accounts.ReturnTo{Kind: "dashboard"})
	if err != nil {
		t.Fatal(err)
	}
	q := sandboxtest.Consent(t, u)
	if _, err := e.acc.Callback(ctx, platform.Zoho, accounts.CallbackRequest{State: q.Get("state"), Code: q.Get("code"),
		AccountsServer: q.Get("accounts-server")}); err != nil {
		t.Fatalf("connect Zoho: %v", err)
	}
}

// start runs the scheduler until the test ends.
func (e *env) start(t *testing.T) {
	t.Helper()
	if err := e.sched.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.sched.Stop(ctx)
	})
}

// email creates an e-mail campaign to the newsletter list.
func (e *env) email(t *testing.T, name string) EmailCampaign {
	t.Helper()
	ec, err := e.svc.CreateEmail(context.Background(), e.editor, NewEmail{Name: name, Subject: "News: " + name,
		HTML: "<h1>" + name + "</h1>", Text: name, ListKeys: []string{newsletter}})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return ec
}

// waitStatus polls the campaign until it has status want (deadline 20 s).
func (e *env) waitStatus(t *testing.T, id string, want EmailStatus) EmailCampaign {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ec, err := e.svc.GetEmail(context.Background(), e.editor, id)
		if err != nil {
			t.Fatal(err)
		}
		if ec.Status == want {
			return ec
		}
		if time.Now().After(deadline) {
			t.Fatalf("e-mail campaign %s is %s (%s), want %s", id, ec.Status, ec.LastError, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
