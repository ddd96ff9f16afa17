package accounts

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestConnectEveryPlatform(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite, schemas...), sandbox.Options{})
	ctx := context.Background()
	want := map[platform.Name]int{}
	for _, p := range []platform.Name{platform.Facebook, platform.Instagram, platform.Twitter, platform.LinkedIn} {
		res := e.connect(t, e.svc, e.editor, p)
		if len(res.Accounts) == 0 || res.ReturnTo.Channel != "C1" || res.Continue != "/dashboard/settings?connected="+string(p) {
			t.Fatalf("%s: %+v", p, res)
		}
		want[p] = len(res.Accounts)
		ev := <-e.events.C
		if ev.Kind != EventConnected || ev.Platform != p || ev.ReturnTo.ThreadTS != "1.2" {
			t.Fatalf("event %+v", ev)
		}
		// Reconnecting updates, never duplicates.
		again := e.connect(t, e.svc, e.editor, p)
		<-e.events.C
		if len(again.Accounts) != len(res.Accounts) || again.Accounts[0].ID != res.Accounts[0].ID {
			t.Fatalf("%s reconnect: %d accounts (first %s), before %d (first %s)", p, len(again.Accounts), again.Accounts[0].ID, len(res.Accounts), res.Accounts[0].ID)
		}
		tok, err := e.svc.ValidToken(ctx, e.editor, res.Accounts[0].ID)
		if err != nil || tok.AccessToken == "" || tok.ExternalID == "" {
			t.Fatalf("%s ValidToken: %+v %v", p, tok, err)
		}
	}
	if want[platform.LinkedIn] < 2 {
		t.Errorf("LinkedIn revealed %d accounts; want the member and administered organizations", want[platform.LinkedIn])
	}
	list, err := e.svc.List(ctx, e.editor, "")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range want {
		total += n
	}
	if len(list) != total {
		t.Fatalf("list has %d accounts, want %d", len(list), total)
	}
	res := e.connect(t, e.svc, e.editor, platform.Zoho)
	if len(res.Accounts) != 1 {
		t.Fatalf("zoho: %+v", res)
	}
	zt, err := e.svc.ZohoToken(ctx, e.editor)
	if err != nil || zt.AccessToken == "" || zt.APIDomain == "" {
		t.Fatalf("ZohoToken: %+v %v", zt, err)
	}
	st, err := e.svc.TokenStatus(ctx, e.editor)
	if err != nil || len(st) != total+1 {
		t.Fatalf("TokenStatus: %d entries, %v", len(st), err)
	}
	for _, s := range st {
		if s.Status != "valid" && s.Status != "expiring" {
			t.Errorf("%s %s: status %s", s.Platform, s.AccountName, s.Status)
		}
	}
}

func TestCallbackFailuresStoreNothing(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite, schemas...), sandbox.Options{})
	ctx := context.Background()
	start := func(p platform.Name) string {
		u, err := e.svc.Connect(ctx, e.editor, p, ReturnTo{})
		if err != nil {
			t.Fatal(err)
		}
		return sandboxtest.Consent(t, u).Get("state")
	}
	used := start(platform.Twitter)
	if _, err := e.svc.Callback(ctx, platform.Twitter, CallbackRequest{State: used, Code: "bogus"}); err == nil {
		t.Fatal("a bogus code was accepted")
	}
	cases := []struct {
		name string
		p    platform.Name
		req  func() CallbackRequest
		code string
		msg  string
	}{
		{"unknown platform", "myspace", func() CallbackRequest { return CallbackRequest{} }, "unknown_platform", "facebook, instagram, twitter, linkedin, zoho"},
		{"missing state", platform.Twitter, func() CallbackRequest { return CallbackRequest{Code: "c"} }, "state_missing", "Start again"},
		{"forged state", platform.Twitter, func() CallbackRequest { return CallbackRequest{State: "forged", Code: "c"} }, "state_unknown", "Start again"},
		{"reused state", platform.Twitter, func() CallbackRequest { return CallbackRequest{State: used, Code: "c"} }, "state_used", "already used"},
		{"other platform's state", platform.LinkedIn, func() CallbackRequest { return CallbackRequest{State: start(platform.Twitter), Code: "c"} }, "state_platform", "another platform"},
		{"declined", platform.LinkedIn, func() CallbackRequest {
			return CallbackRequest{State: start(platform.LinkedIn), Error: "access_denied", ErrorDescription: "user cancelled"}
		}, "access_denied", "declined"},
		{"exchange failure", platform.Twitter, func() CallbackRequest { return CallbackRequest{State: start(platform.Twitter), Code: "not-a-code"} }, "exchange_failed", "X did not complete"},
	}
	for _, c := range cases {
		_, err := e.svc.Callback(ctx, c.p, c.req())
		var ce *CallbackError
		if !errors.As(err, &ce) || ce.Code != c.code || !strings.Contains(ce.Message, c.msg) {
			t.Errorf("%s: err = %v, want code %s mentioning %q", c.name, err, c.code, c.msg)
		}
	}
	// Expired: a state made ten minutes ago by a service on a late clock.
	late, _ := e.replica(t, e.db)
	late.now = func() time.Time { return time.Now().Add(-11 * time.Minute) }
	late.states = oauth.NewStates(e.db, e.vault, late.now)
	u, _ := late.Connect(ctx, e.editor, platform.Twitter, ReturnTo{})
	if _, err := e.svc.Callback(ctx, platform.Twitter, CallbackRequest{State: sandboxtest.Consent(t, u).Get("state"), Code: "c"}); !isCode(err, "state_expired") {
		t.Errorf("expired: %v", err)
	}
	list, err := e.svc.List(ctx, e.editor, "")
	if err != nil || len(list) != 0 {
		t.Fatalf("failures stored %d accounts (%v)", len(list), err)
	}
}

func TestWorkspaceScopingAndRoles(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite, schemas...), sandbox.Options{})
	ctx := context.Background()
	res := e.connect(t, e.svc, e.editor, platform.Twitter)
	id := res.Accounts[0].ID
	stranger := identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Admin, Door: identity.DoorAPI}
	if _, err := e.svc.ValidToken(ctx, stranger, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("ValidToken from another workspace: %v", err)
	}
	if _, err := e.svc.Disconnect(ctx, stranger, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("Disconnect from another workspace: %v", err)
	}
	if l, _ := e.svc.List(ctx, stranger, ""); len(l) != 0 {
		t.Errorf("another workspace lists %d accounts", len(l))
	}
	viewer := identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Viewer}
	if _, err := e.svc.Connect(ctx, viewer, platform.Twitter, ReturnTo{}); !errors.Is(err, identity.ErrForbidden) {
		t.Errorf("viewer connects: %v", err)
	}
	if _, err := e.svc.Disconnect(ctx, viewer, id); !errors.Is(err, identity.ErrForbidden) {
		t.Errorf("viewer disconnects: %v", err)
	}
	// Disconnect revokes at X and keeps the record, marked.
	a, err := e.svc.Disconnect(ctx, e.editor, id)
	if err != nil || a.Status != StatusDisconnected {
		t.Fatalf("disconnect: %+v %v", a, err)
	}
	if n := e.sb.Calls("POST", "/api.x.com/2/oauth2/revoke"); n != 2 {
		t.Errorf("revocations at X = %d, want 2 (refresh and access token)", n)
	}
	if _, err := e.svc.ValidToken(ctx, e.editor, id); !errors.Is(err, ErrDisconnected) {
		t.Errorf("ValidToken after disconnect: %v", err)
	}
	if l, _ := e.svc.List(ctx, e.editor, platform.Twitter); len(l) != 1 || l[0].Status != StatusDisconnected {
		t.Errorf("after disconnect the list is %+v", l)
	}
}

// Two replicas (two store handles, two services) refresh the same X account
// at once: exactly one refresh reaches X, both get a working token.
func TestRefreshSingleFlightAcrossReplicas(t *testing.T) {
	storetest.Run(t, schemas, func(t *testing.T, db *store.DB) {
		// The winner is decided by the lease (a fixed-_id insert, atomic on
		// FerretDB too), so this runs on both backends.
		e := newEnv(t, db, sandbox.Options{})
		ctx := context.Background()
		id := e.connect(t, e.svc, e.editor, platform.Twitter).Accounts[0].ID
		other, _ := e.replica(t, storetest.Reopen(t, db))
		e.sb.ExpireTokens("twitter")
		forceDue(t, e, id)
		before := e.sb.Calls("POST", "/api.x.com/2/oauth2/token")
		var wg sync.WaitGroup
		toks := make([]string, 8)
		for i := range toks {
			svc := e.svc
			if i%2 == 1 {
				svc = other
			}
			wg.Go(func() {
				tok, err := svc.ValidToken(ctx, e.editor, id)
				if err != nil {
					t.Errorf("replica %d: %v", i%2, err)
				}
				toks[i] = tok.AccessToken
			})
		}
		wg.Wait()
		if n := e.sb.Calls("POST", "/api.x.com/2/oauth2/token") - before; n != 1 {
			t.Fatalf("refresh calls at X = %d, want 1", n)
		}
		for i, tok := range toks {
			if tok != toks[0] {
				t.Fatalf("replica result %d differs", i)
			}
		}
		tgt, err := e.svc.ValidToken(ctx, e.editor, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.twitter.Publish(ctx, tgt, platform.Post{Text: "after the refresh"}); err != nil {
			t.Fatalf("posting with the refreshed token: %v", err)
		}
	})
}

// forceDue moves the account's recorded expiry into the refresh margin.
func forceDue(t testing.TB, e *env, id string) {
	t.Helper()
	rec, err := e.svc.store.Get(context.Background(), Social, e.editor.WorkspaceID, id)
	if err != nil {
		t.Fatal(err)
	}
	rec.Tokens.Expiry = store.Trunc(time.Now().Add(-time.Second))
	if ok, err := e.svc.store.SaveTokens(context.Background(), Social, id, rec.Version, rec.Tokens, time.Now()); !ok || err != nil {
		t.Fatalf("force due: %v %v", ok, err)
	}
	e.svc.forget(id)
}

func isCode(err error, code string) bool {
	var ce *CallbackError
	return errors.As(err, &ce) && ce.Code == code
}

// TestForceRefreshAfterRefusal: the platform refused a token its record
// still calls valid (revoked early); ForceRefresh from two replicas at once
// spends the rotating X refresh token once, and the new token posts.
func TestForceRefreshAfterRefusal(t *testing.T) {
	storetest.Run(t, schemas, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, sandbox.Options{})
		ctx := context.Background()
		id := e.connect(t, e.svc, e.editor, platform.Twitter).Accounts[0].ID
		other, _ := e.replica(t, storetest.Reopen(t, db))
		old, err := e.svc.ValidToken(ctx, e.editor, id)
		if err != nil {
			t.Fatal(err)
		}
		e.sb.ExpireTokens("twitter") // the platform now refuses it; our record does not know
		if _, err := e.twitter.Publish(ctx, old, platform.Post{Text: "refused"}); !errors.Is(err, platform.ErrTokenExpired) {
			t.Fatalf("post with the expired token: %v, want ErrTokenExpired", err)
		}
		before := e.sb.Calls("POST", "/api.x.com/2/oauth2/token")
		var wg sync.WaitGroup
		toks := make([]string, 4)
		for i := range toks {
			svc := e.svc
			if i%2 == 1 {
				svc = other
			}
			wg.Go(func() {
				tok, err := svc.ForceRefresh(ctx, e.editor, id, old.AccessToken)
				if err != nil {
					t.Errorf("force refresh %d: %v", i, err)
				}
				toks[i] = tok.AccessToken
			})
		}
		wg.Wait()
		if n := e.sb.Calls("POST", "/api.x.com/2/oauth2/token") - before; n != 1 {
			t.Fatalf("refresh calls at X = %d, want 1", n)
		}
		// A late caller that saw the same refusal refreshes nothing more.
		if tok, err := e.svc.ForceRefresh(ctx, e.editor, id, old.AccessToken); err != nil || tok.AccessToken != toks[0] {
			t.Fatalf("late force refresh = %v, %v", tok.AccessToken == toks[0], err)
		}
		if n := e.sb.Calls("POST", "/api.x.com/2/oauth2/token") - before; n != 1 {
			t.Fatalf("refresh calls at X after a late caller = %d, want 1", n)
		}
		if toks[0] == old.AccessToken || toks[0] == "" {
			t.Fatal("force refresh returned the refused token")
		}
		if _, err := e.twitter.Publish(ctx, platform.Target{ExternalID: old.ExternalID, AccessToken: toks[0]}, platform.Post{Text: "after a forced refresh"}); err != nil {
			t.Fatalf("post with the new token: %v", err)
		}
		if _, err := e.svc.ForceRefresh(ctx, identity.Caller{WorkspaceID: "T2", Role: identity.Admin}, id, old.AccessToken); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another workspace: %v, want ErrNotFound", err)
		}
		got, err := e.svc.Get(ctx, e.editor, id)
		if err != nil || got.Platform != platform.Twitter || got.Status != StatusConnected {
			t.Fatalf("get = %+v, %v", got, err)
		}
	})
}
