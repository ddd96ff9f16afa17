package slack_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// TestStoreConformance runs every case of slack.Store on both backends.
func TestStoreConformance(t *testing.T) {
	storetest.Run(t, []store.Schema{slack.Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := slack.NewStore(db)
		t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

		t.Run("a key is new once until it expires", func(t *testing.T) {
			for i, c := range []struct {
				key  string
				now  time.Time
				want bool
			}{
				{"event:E1", t0, true},
				{"event:E1", t0.Add(time.Minute), false},
				{"event:E2", t0.Add(time.Minute), true},
				{"event:E1", t0.Add(59 * time.Minute), false},
				{"event:E1", t0.Add(time.Hour), true}, // expired: remembered afresh
				{"event:E1", t0.Add(time.Hour + time.Minute), false},
			} {
				got, err := st.Remember(ctx, c.key, c.now, c.now.Add(time.Hour))
				if err != nil || got != c.want {
					t.Fatalf("case %d: Remember(%s) = %v, %v; want %v", i, c.key, got, err, c.want)
				}
			}
		})

		t.Run("another replica sees what one remembered", func(t *testing.T) {
			other := slack.NewStore(storetest.Reopen(t, db))
			if first, err := st.Remember(ctx, "event:R1", t0, t0.Add(time.Hour)); err != nil || !first {
				t.Fatalf("first = %v, %v", first, err)
			}
			if first, err := other.Remember(ctx, "event:R1", t0, t0.Add(time.Hour)); err != nil || first {
				t.Fatalf("other replica: first = %v, %v; want false", first, err)
			}
		})

		t.Run("concurrent deliveries: exactly one is first", func(t *testing.T) {
			var wins atomic.Int32
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					if first, err := st.Remember(ctx, "event:C1", t0, t0.Add(time.Hour)); err == nil && first {
						wins.Add(1)
					}
				})
			}
			wg.Wait()
			if wins.Load() != 1 {
				t.Fatalf("%d first deliveries, want 1", wins.Load())
			}
		})

		t.Run("purge deletes what expired only", func(t *testing.T) {
			_, _ = st.Remember(ctx, "event:P-old", t0, t0.Add(time.Minute))
			_, _ = st.Remember(ctx, "event:P-new", t0, t0.Add(3*time.Hour))
			n, err := st.PurgeSeen(ctx, t0.Add(2*time.Hour))
			if err != nil || n < 1 {
				t.Fatalf("purge = %d, %v", n, err)
			}
			if first, _ := st.Remember(ctx, "event:P-new", t0.Add(2*time.Hour), t0.Add(3*time.Hour)); first {
				t.Fatal("purge deleted a live record")
			}
		})

		t.Run("installs", func(t *testing.T) {
			if _, err := st.Install(ctx, "TX"); !errors.Is(err, slack.ErrNotFound) {
				t.Fatalf("missing install: err = %v", err)
			}
			in := slack.Install{TeamID: "TX", TeamName: "Acme", AppID: "A1", BotUserID: "UB", BotToken: "v1:k:sealed", Scope: "chat:write", InstalledBy: "U1", InstalledAt: t0}
			if err := st.SaveInstall(ctx, in); err != nil {
				t.Fatal(err)
			}
			got, err := st.Install(ctx, "TX")
			if err != nil || got != in {
				t.Fatalf("install = %+v, %v; want %+v", got, err, in)
			}
			in.BotToken, in.TeamName, in.InstalledAt = "v1:k:resealed", "Acme Inc", t0.Add(time.Hour)
			if err := st.SaveInstall(ctx, in); err != nil {
				t.Fatal(err)
			}
			if got, _ := st.Install(ctx, "TX"); got != in {
				t.Fatalf("reinstall = %+v; want %+v", got, in)
			}
		})
	})
}
