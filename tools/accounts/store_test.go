package accounts

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestStoreConformance(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		at := store.Trunc(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		r := Record{ID: store.NewID(), WorkspaceID: "T1", Platform: platform.Twitter, ExternalID: "42", Kind: "user", Name: "Acme",
			Handle: "@acme", Status: StatusConnected, ConnectedBy: "U1", ConnectedAt: at, Grant: "g1", UpdatedAt: at,
			Tokens: Sealed{Access: "a1", Refresh: "r1", Expiry: at.Add(2 * time.Hour), ObtainedAt: at}}
		got, prev, err := st.Upsert(ctx, Social, r)
		if err != nil || prev != "" || got.ID != r.ID || got.Version != 1 || got.Tokens != r.Tokens || !got.ConnectedAt.Equal(at) {
			t.Fatalf("insert: %+v prev=%q %v", got, prev, err)
		}
		if err := st.MarkNeedsReauth(ctx, Social, r.ID, "revoked", at); err != nil {
			t.Fatal(err)
		}
		// Reconnect with a grant lacking a refresh token: same record, the
		// refresh token kept, status connected again.
		again := r
		again.ID, again.Name, again.Grant = store.NewID(), "Acme Inc", "g2"
		again.Tokens = Sealed{Access: "a2", Expiry: at.Add(4 * time.Hour), ObtainedAt: at}
		got, prev, err = st.Upsert(ctx, Social, again)
		if err != nil || prev != StatusNeedsReauth || got.ID != r.ID || got.Name != "Acme Inc" || got.Tokens.Access != "a2" ||
			got.Tokens.Refresh != "r1" || got.Status != StatusConnected || got.StatusReason != "" || got.Version != 3 {
			t.Fatalf("reconnect: %+v prev=%q %v", got, prev, err)
		}
		if _, err := st.Get(ctx, Social, "T2", r.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("get from another workspace: %v", err)
		}
		// SaveTokens is a compare-and-swap on the version.
		next := Sealed{Access: "a3", Refresh: "r3", Expiry: at.Add(6 * time.Hour), ObtainedAt: at.Add(time.Hour)}
		if ok, err := st.SaveTokens(ctx, Social, r.ID, 2, next, at); ok || err != nil {
			t.Fatalf("stale save: %v %v", ok, err)
		}
		if ok, err := st.SaveTokens(ctx, Social, r.ID, 3, next, at); !ok || err != nil {
			t.Fatalf("save: %v %v", ok, err)
		}
		if err := st.NoteRefreshFailure(ctx, Social, r.ID, "503", at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		got, _ = st.Get(ctx, Social, "T1", r.ID)
		if got.Tokens != next || got.Version != 4 || got.RefreshError != "503" || !got.RefreshFailedAt.Equal(at.Add(time.Minute)) {
			t.Fatalf("after save: %+v", got)
		}
		noExpiry := Record{ID: store.NewID(), WorkspaceID: "T1", Platform: platform.Facebook, ExternalID: "p1", Status: StatusConnected,
			ConnectedAt: at, UpdatedAt: at, Grant: "g2", Tokens: Sealed{Access: "page"}, Derived: true}
		if _, _, err := st.Upsert(ctx, Social, noExpiry); err != nil {
			t.Fatal(err)
		}
		exp, err := st.Expiring(ctx, Social, "", at.Add(7*time.Hour))
		if err != nil || len(exp) != 1 || exp[0].ID != r.ID {
			t.Fatalf("expiring = %+v, %v", exp, err)
		}
		if exp, _ := st.Expiring(ctx, Social, "T2", at.Add(7*time.Hour)); len(exp) != 0 {
			t.Fatalf("expiring of T2 = %+v", exp)
		}
		if n, err := st.CountGrant(ctx, Social, "T1", "g2", r.ID); n != 1 || err != nil {
			t.Fatalf("count grant = %d, %v", n, err)
		}
		if ok, err := st.ReplaceCiphers(ctx, Social, r.ID, Sealed{Access: "stale"}, Sealed{Access: "x"}); ok || err != nil {
			t.Fatalf("replace stale ciphers: %v %v", ok, err)
		}
		if ok, err := st.ReplaceCiphers(ctx, Social, r.ID, next, Sealed{Access: "A3", Refresh: "R3"}); !ok || err != nil {
			t.Fatalf("replace ciphers: %v %v", ok, err)
		}
		if err := st.Disconnect(ctx, Social, r.ID, at); err != nil {
			t.Fatal(err)
		}
		got, _ = st.Get(ctx, Social, "T1", r.ID)
		if got.Status != StatusDisconnected || got.Tokens.Access != "" || got.Tokens.Refresh != "" || !got.Tokens.Expiry.IsZero() {
			t.Fatalf("disconnected: %+v", got)
		}
		if n, _ := st.CountGrant(ctx, Social, "T1", "g2", noExpiry.ID); n != 0 {
			t.Fatalf("a disconnected account counts in its grant")
		}
		list, err := st.List(ctx, Social, "T1", platform.Twitter)
		if err != nil || len(list) != 1 {
			t.Fatalf("list twitter = %d, %v", len(list), err)
		}
		page, err := st.Page(ctx, Social, "", 1)
		if err != nil || len(page) != 1 {
			t.Fatalf("page = %d, %v", len(page), err)
		}
		z := Record{ID: store.NewID(), WorkspaceID: "T1", Platform: platform.Zoho, Status: StatusConnected, ConnectedAt: at, UpdatedAt: at,
			AccountsServer: "https://accounts.zoho.eu", APIDomain: "https://www.zohoapis.eu"}
		if got, _, err := st.Upsert(ctx, Zoho, z); err != nil || got.AccountsServer != z.AccountsServer {
			t.Fatalf("zoho upsert: %+v %v", got, err)
		}
		if l, _ := st.List(ctx, Social, "T1", ""); len(l) != 2 {
			t.Fatalf("social list holds %d records; Zoho leaked into it?", len(l))
		}
	})
}

// BenchmarkValidToken measures the cache-hit path: a fresh token, no store
// round trip.
func BenchmarkValidToken(b *testing.B) {
	db := storetest.Open(b, store.SQLite, schemas...)
	e := newEnv(b, db, sandbox.Options{})
	id := e.connect(b, e.svc, e.editor, platform.Twitter).Accounts[0].ID
	e.svc.cfg.CacheTTL = time.Hour
	ctx := context.Background()
	if _, err := e.svc.ValidToken(ctx, e.editor, id); err != nil {
		b.Fatal(err)
	}
	c := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.svc.ValidToken(ctx, c, id); err != nil {
				b.Fatal(err)
			}
		}
	})
}
