package accounts

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// A short-lived token that refreshes by itself is never listed as needing
// attention: X's 2-hour token right after connecting is "valid".
func TestShortTokenIsNotExpiring(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, store.SQLite, schemas...), sandbox.Options{AccessTokenTTL: 2 * time.Hour})
	e.connect(t, e.svc, e.editor, platform.Twitter)
	states, err := e.svc.TokenStatus(context.Background(), e.editor)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 1 || states[0].Status != "valid" || !states[0].AutoRefresh {
		t.Fatalf("token status %+v; want X valid (it refreshes itself)", states)
	}
}

// Each token gets a refresh job its margin before expiry: with working
// refresh the token is renewed lifetime after lifetime and never listed;
// once refresh fails the account is listed (expiring, with the reason)
// as soon as the job's attempt failed.
func TestRefreshJobPerToken(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for ~5 s")
	}
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, append(schemas, schedule.Schema)...)
	e := newEnv(t, db, sandbox.Options{AccessTokenTTL: 2 * time.Second})
	reg := schedule.NewRegistry()
	sch, err := schedule.New(db, reg, schedule.Options{Log: zerolog.Nop(), Poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	provs, z, _ := Providers(e.sbURL)
	svc, err := New(Config{PublicURL: "https://mm.example", Sandbox: true}, Deps{DB: db, Vault: e.vault, Providers: provs, Zoho: z,
		Audit: audit.New(db, nil), Jobs: sch, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Register(reg); err != nil {
		t.Fatal(err)
	}
	if err := sch.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sch.Stop(context.Background()) })
	e.connect(t, svc, e.editor, platform.Twitter)
	status := func() TokenState {
		t.Helper()
		st, err := svc.TokenStatus(ctx, identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Viewer})
		if err != nil || len(st) != 1 {
			t.Fatalf("token status = %+v, %v", st, err)
		}
		return st[0]
	}

	// Three lifetimes of 2 s: refreshed by its jobs, never listed.
	end := time.Now().Add(5 * time.Second)
	for time.Now().Before(end) {
		if s := status(); s.Status != "valid" {
			t.Fatalf("while refresh works the token read %q (%s)", s.Status, s.RefreshError)
		}
		time.Sleep(100 * time.Millisecond) // sampling the status, not waiting for a signal
	}
	if n := e.sb.Calls("POST", "/api.x.com/2/oauth2/token"); n < 3 {
		t.Fatalf("%d token calls over 5 s of 2 s tokens; want the exchange and two refreshes at least", n)
	}

	// Refresh breaks: listed within the job's attempt, long before a minute.
	e.sb.InjectFault(sandbox.Fault{Platform: "twitter", Path: "/2/oauth2/token", Kind: sandbox.FaultServerError})
	deadline := time.Now().Add(time.Minute)
	for {
		s := status()
		if s.Status == "expiring" || s.Status == "expired" {
			if s.RefreshError == "" || s.LastFailure == nil {
				t.Fatalf("listed %+v without the failure", s)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a failing refresh still reads %q after a minute", s.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
