package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Two replicas share one store; each has its own identity service (its
// own cache of verified tokens). A token revoked through one is refused by
// that one at once and by the other within identity.VerifiedTTL (at most
// a second), though the other had just verified it.
func TestRevocationReachesEveryReplica(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema)
	replica := func() (*identity.Service, *httptest.Server) {
		ids := identity.NewService(identity.NewStore(db), time.Now)
		srv := httptest.NewServer(New(Deps{Log: zerolog.Nop(), Identity: ids, Store: db}).Handler())
		t.Cleanup(srv.Close)
		return ids, srv
	}
	idsA, a := replica()
	_, b := replica()
	tok, err := idsA.CreateToken(context.Background(), "T1", "U1", identity.Editor, "")
	if err != nil {
		t.Fatal(err)
	}
	me := func(srv *httptest.Server) int {
		req, _ := http.NewRequest("GET", srv.URL+"/api/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, srv := range []*httptest.Server{a, b, a, b} { // both have it verified now
		if st := me(srv); st != http.StatusOK {
			t.Fatalf("live token: %d", st)
		}
	}
	if identity.VerifiedTTL > time.Second {
		t.Fatalf("VerifiedTTL %v: a revocation must reach every replica within a second", identity.VerifiedTTL)
	}
	revoked := time.Now()
	if _, err := idsA.RevokeToken(context.Background(), tok.Record.ID); err != nil {
		t.Fatal(err)
	}
	if st := me(a); st != http.StatusUnauthorized {
		t.Fatalf("the revoking replica answered %d, want 401 at once", st)
	}
	// The other replica may believe its verification a little longer, but
	// any request sent VerifiedTTL after the revocation is refused.
	for deadline := revoked.Add(3 * time.Second); ; {
		sent := time.Now()
		st := me(b)
		if st == http.StatusUnauthorized {
			t.Logf("the other replica refused it %v after the revocation", sent.Sub(revoked).Round(time.Millisecond))
			break
		}
		if st != http.StatusOK || sent.After(revoked.Add(identity.VerifiedTTL)) {
			t.Fatalf("the other replica answered %d to a request sent %v after the revocation", st, sent.Sub(revoked))
		}
		if sent.After(deadline) {
			t.Fatal("the other replica never refused the revoked token")
		}
	}
}
