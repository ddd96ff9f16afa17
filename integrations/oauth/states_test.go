package oauth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func testVault(t testing.TB) *Vault {
	k, _ := GenerateKey()
	v, err := NewVault(Keyring{Current: k})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestStates(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock()
		st := NewStates(db, testVault(t), clk.Now)
		in := State{WorkspaceID: "T1", UserID: "U1", Door: "api", Platform: "twitter",
			RedirectURI: "https://mm.example/api/social/callback/twitter", Verifier: "pkce-verifier", ReturnTo: `{"kind":"dashboard"}`}
		tok, err := st.Create(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != 43 {
			t.Fatalf("state %q: want 32 random bytes in base64url", tok)
		}
		// Another platform's callback neither succeeds nor spends it.
		if _, err := st.Consume(ctx, tok, "facebook"); !errors.Is(err, ErrStatePlatform) {
			t.Fatalf("wrong platform: %v", err)
		}
		got, err := st.Consume(ctx, tok, "twitter")
		if err != nil {
			t.Fatal(err)
		}
		if got.WorkspaceID != "T1" || got.UserID != "U1" || got.Door != "api" || got.Verifier != "pkce-verifier" ||
			got.RedirectURI != in.RedirectURI || got.ReturnTo != in.ReturnTo || !got.ExpiresAt.Equal(clk.Now().Add(StateTTL)) {
			t.Fatalf("consumed %+v", got)
		}
		if _, err := st.Consume(ctx, tok, "twitter"); !errors.Is(err, ErrStateUsed) {
			t.Fatalf("reuse: %v", err)
		}
		if _, err := st.Consume(ctx, "", "twitter"); !errors.Is(err, ErrStateMissing) {
			t.Fatalf("missing: %v", err)
		}
		if _, err := st.Consume(ctx, "forged-state-value", "twitter"); !errors.Is(err, ErrStateUnknown) {
			t.Fatalf("forged: %v", err)
		}
		late, _ := st.Create(ctx, in)
		clk.Add(StateTTL)
		if _, err := st.Consume(ctx, late, "twitter"); !errors.Is(err, ErrStateExpired) {
			t.Fatalf("expired: %v", err)
		}
		n, err := st.Purge(ctx, clk.Now().Add(time.Millisecond))
		if err != nil || n != 2 {
			t.Fatalf("purge = %d, %v; want 2", n, err)
		}
		if _, err := st.Consume(ctx, late, "twitter"); !errors.Is(err, ErrStateUnknown) {
			t.Fatalf("after purge: %v", err)
		}
	})
}

// Two replicas racing on one state: exactly one wins. Both backends decide
// with an atomic write (conditional UPDATE; fixed-_id insert on MongoDB).
func TestStateConsumedOnceAcrossReplicas(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v := testVault(t)
		a := NewStates(db, v, nil)
		b := NewStates(storetest.Reopen(t, db), v, nil)
		tok, err := a.Create(ctx, State{WorkspaceID: "T1", UserID: "U1", Platform: "linkedin", RedirectURI: "r"})
		if err != nil {
			t.Fatal(err)
		}
		var wins, used atomic.Int32
		var wg sync.WaitGroup
		for i := range 6 {
			st := a
			if i%2 == 1 {
				st = b
			}
			wg.Go(func() {
				_, err := st.Consume(ctx, tok, "linkedin")
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, ErrStateUsed):
					used.Add(1)
				default:
					t.Errorf("consume: %v", err)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 || used.Load() != 5 {
			t.Fatalf("wins = %d, used = %d; want 1 and 5", wins.Load(), used.Load())
		}
	})
}
