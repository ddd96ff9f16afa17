package accounts

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// A rejected refresh marks the account needs_reauth with the platform's
// reason, announces it, audits it; a transient failure keeps the token.
func TestRefreshFailures(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite, schemas...), sandbox.Options{})
	ctx := context.Background()
	id := e.connect(t, e.svc, e.editor, platform.Twitter).Accounts[0].ID
	<-e.events.C
	old, err := e.svc.ValidToken(ctx, e.editor, id)
	if err != nil {
		t.Fatal(err)
	}

	// Transient: X answers 500; the still-valid token is returned.
	rec, _ := e.svc.store.Get(ctx, Social, "T1", id)
	rec.Tokens.Expiry = store.Trunc(time.Now().Add(time.Minute)) // inside the margin, not expired
	rec.Tokens.ObtainedAt = store.Trunc(time.Now().Add(-2 * time.Hour))
	if ok, err := e.svc.store.SaveTokens(ctx, Social, id, rec.Version, rec.Tokens, time.Now()); !ok || err != nil {
		t.Fatal(ok, err)
	}
	e.svc.forget(id)
	e.sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: "POST", Path: "/2/oauth2/token", Kind: sandbox.FaultServerError, Times: 1})
	got, err := e.svc.ValidToken(ctx, e.editor, id)
	if err != nil || got.AccessToken != old.AccessToken {
		t.Fatalf("transient failure: %v (token kept: %v)", err, got.AccessToken == old.AccessToken)
	}
	st, _ := e.svc.TokenStatus(ctx, e.editor)
	if len(st) != 1 || st[0].LastFailure == nil || st[0].Status != "expiring" {
		t.Fatalf("status after a transient failure: %+v", st)
	}

	// Rejected: X says invalid_request (its word for a dead refresh token).
	forceDue(t, e, id)
	e.sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: "POST", Path: "/2/oauth2/token", Status: 400, Times: 1,
		Body:    `{"error":"invalid_request","error_description":"Value passed for the token was invalid."}`,
		Headers: map[string]string{"Content-Type": "application/json"}})
	_, err = e.svc.ValidToken(ctx, e.editor, id)
	if !errors.Is(err, ErrNeedsReauth) {
		t.Fatalf("rejected refresh: %v", err)
	}
	ev := <-e.events.C
	if ev.Kind != EventNeedsReauth || !strings.Contains(ev.Reason, "token was invalid") || len(ev.Accounts) != 1 || ev.Accounts[0].ID != id {
		t.Fatalf("event %+v", ev)
	}
	st, _ = e.svc.TokenStatus(ctx, e.editor)
	if st[0].Status != "needs_reauth" || !strings.Contains(st[0].Reason, "token was invalid") {
		t.Fatalf("status %+v", st[0])
	}
	admin := identity.Caller{WorkspaceID: "T1", Role: identity.Admin}
	log, err := audit.New(e.db, nil).List(ctx, admin, audit.Filter{Action: "account.refresh_failed"})
	if err != nil || len(log) != 2 {
		t.Fatalf("audit has %d refresh failures (%v), want 2", len(log), err)
	}
	// Connecting again re-authorizes the same record.
	res := e.connect(t, e.svc, e.editor, platform.Twitter)
	if len(res.Reauthorized) != 1 || res.Reauthorized[0] != id {
		t.Fatalf("reconnect: %+v", res)
	}
	if _, err := e.svc.ValidToken(ctx, e.editor, id); err != nil {
		t.Fatalf("after re-authorization: %v", err)
	}
}

// Sandbox tokens that live 2 s: a posting loop over several lifetimes never
// meets an authentication failure (the real clock: x/oauth2 computes
// expiries from it).
func TestShortLivedTokensNeverFailAPost(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for ~5 s")
	}
	e := newEnv(t, storetest.Open(t, store.SQLite, schemas...), sandbox.Options{AccessTokenTTL: 2 * time.Second})
	e.svc.cfg.CacheTTL = time.Hour // only the expiry margin bounds the cache here
	ctx := context.Background()
	id := e.connect(t, e.svc, e.editor, platform.Twitter).Accounts[0].ID
	end := time.Now().Add(5 * time.Second)
	posts := 0
	for time.Now().Before(end) {
		tgt, err := e.svc.ValidToken(ctx, e.editor, id)
		if err != nil {
			t.Fatalf("post %d: ValidToken: %v", posts, err)
		}
		if _, err := e.twitter.Publish(ctx, tgt, platform.Post{Text: "loop " + time.Now().Format(time.RFC3339Nano)}); err != nil {
			t.Fatalf("post %d: %v", posts, err)
		}
		posts++
		time.Sleep(50 * time.Millisecond) // pacing the loop, not waiting for a signal
	}
	refreshes := e.sb.Calls("POST", "/api.x.com/2/oauth2/token") - 1
	if refreshes < 2 {
		t.Fatalf("%d posts with %d refreshes over 5 s of 2 s tokens: refresh never ran", posts, refreshes)
	}
	t.Logf("%d posts, %d refreshes, no authentication failure", posts, refreshes)
}

// No token, access or refresh, is readable in the data dir's files.
func TestTokensEncryptedAtRest(t *testing.T) {
	db := storetest.Open(t, store.SQLite, schemas...)
	e := newEnv(t, db, sandbox.Options{})
	ctx := context.Background()
	var secrets []string
	for _, p := range []platform.Name{platform.Facebook, platform.Twitter, platform.LinkedIn} {
		for _, a := range e.connect(t, e.svc, e.editor, p).Accounts {
			tgt, err := e.svc.ValidToken(ctx, e.editor, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			rec, _ := e.svc.store.Get(ctx, Social, "T1", a.ID)
			_, refresh, _ := e.svc.open(Social, rec)
			secrets = append(secrets, tgt.AccessToken, refresh)
		}
	}
	secrets = append(secrets, zohoSecrets(t, e)...)
	grepDataDir(t, storetest.Config(t, db).DataDir, secrets)
}

// grepDataDir fails when any secret appears in any file under dir.
func grepDataDir(t *testing.T, dir string, secrets []string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, s := range secrets {
			if s != "" && strings.Contains(string(data), s) {
				t.Errorf("%s holds a token in clear", path)
			}
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("walk %s: %d files, %v", dir, files, err)
	}
}

// zohoSecrets connects Zoho and returns its access and refresh tokens.
func zohoSecrets(t *testing.T, e *env) []string {
	t.Helper()
	e.connect(t, e.svc, e.editor, platform.Zoho)
	recs, err := e.svc.store.List(context.Background(), Zoho, "T1", "")
	if err != nil || len(recs) != 1 {
		t.Fatalf("zoho records: %d, %v", len(recs), err)
	}
	a, r, err := e.svc.open(Zoho, recs[0])
	if err != nil || a == "" || r == "" {
		t.Fatalf("zoho tokens: %v", err)
	}
	return []string{a, r}
}

// keys rotate: every token re-sealed under the new key, still usable.
func TestReseal(t *testing.T) {
	storetest.Run(t, schemas, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, sandbox.Options{})
		ctx := context.Background()
		id := e.connect(t, e.svc, e.editor, platform.LinkedIn).Accounts[0].ID
		e.connect(t, e.svc, e.editor, platform.Zoho)
		before, _ := e.svc.ValidToken(ctx, e.editor, id)
		// The new key seals; the old one stays in the ring to open.
		k, _ := oauth.GenerateKey()
		v2, _ := oauth.NewVault(oauth.Keyring{Current: k, Previous: []oauth.Key{e.key}})
		n, err := Reseal(ctx, db, v2)
		if err != nil || n < 3 {
			t.Fatalf("Reseal = %d, %v; want every record", n, err)
		}
		if n, _ := Reseal(ctx, db, v2); n != 0 {
			t.Fatalf("second Reseal re-sealed %d", n)
		}
		e.vault = v2
		svc2, _ := e.replica(t, db)
		after, err := svc2.ValidToken(ctx, e.editor, id)
		if err != nil || after.AccessToken != before.AccessToken {
			t.Fatalf("after rotation: %v", err)
		}
		// The old key can now be dropped.
		onlyNew, _ := oauth.NewVault(oauth.Keyring{Current: k})
		e.vault = onlyNew
		svc3, _ := e.replica(t, db)
		if _, err := svc3.ValidToken(ctx, e.editor, id); err != nil {
			t.Fatalf("new key alone: %v", err)
		}
		if _, err := svc3.ZohoToken(ctx, e.editor); err != nil {
			t.Fatalf("zoho with the new key alone: %v", err)
		}
	})
}
