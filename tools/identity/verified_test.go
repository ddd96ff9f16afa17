package identity_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// countingStore counts the token lookups that reach the database.
type countingStore struct {
	identity.Store
	lookups atomic.Int32
}

func (s *countingStore) TokenByHash(ctx context.Context, hash string) (identity.Token, error) {
	s.lookups.Add(1)
	return s.Store.TokenByHash(ctx, hash)
}

// fakeClock is a clock a test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// A live token is looked up in the store once per VerifiedTTL, not on
// every request; a revocation made by another replica (another service on
// the same store) is seen once that TTL has passed, and one made by this
// service at once. Unknown tokens are never remembered.
func TestAuthenticateRemembersLiveTokensBriefly(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema)
	clock := &fakeClock{now: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}
	st := &countingStore{Store: identity.NewStore(db)}
	svc := identity.NewService(st, clock.Now)
	other := identity.NewService(identity.NewStore(db), clock.Now)
	ctx := context.Background()
	tok, err := svc.CreateToken(ctx, "T1", "U1", identity.Editor, "")
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if c, err := svc.Authenticate(ctx, tok.Token); err != nil || c.UserID != "U1" {
			t.Fatalf("authenticate: %+v, %v", c, err)
		}
	}
	if n := st.lookups.Load(); n != 1 {
		t.Fatalf("100 requests within the TTL looked the token up %d times, want 1", n)
	}
	if _, err := other.RevokeToken(ctx, tok.Record.ID); err != nil {
		t.Fatal(err)
	}
	clock.Add(identity.VerifiedTTL)
	if _, err := svc.Authenticate(ctx, tok.Token); !errors.Is(err, identity.ErrInvalidToken) {
		t.Fatalf("VerifiedTTL after another replica revoked it: %v, want ErrInvalidToken", err)
	}

	// Revoked here: refused at once.
	tok2, err := svc.CreateToken(ctx, "T1", "U2", identity.Editor, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, tok2.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RevokeToken(ctx, tok2.Record.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, tok2.Token); !errors.Is(err, identity.ErrInvalidToken) {
		t.Fatalf("right after revoking it here: %v, want ErrInvalidToken", err)
	}

	// An unknown token asks the store every time.
	before := st.lookups.Load()
	unknown := "mm_" + "0123456789012345678901234567890123456789"
	for range 3 {
		if _, err := svc.Authenticate(ctx, unknown); !errors.Is(err, identity.ErrInvalidToken) {
			t.Fatalf("unknown token: %v", err)
		}
	}
	if n := st.lookups.Load() - before; n != 3 {
		t.Errorf("3 unknown-token requests looked up %d times, want 3", n)
	}
}
