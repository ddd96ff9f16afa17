package slack_test

import (
	"context"
	"errors"
	"slices"
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

		t.Run("remember all: one commit, each key's answer", func(t *testing.T) {
			if first, err := st.Remember(ctx, "event:A-old", t0, t0.Add(time.Hour)); err != nil || !first {
				t.Fatalf("first = %v, %v", first, err)
			}
			_, _ = st.Remember(ctx, "event:A-expired", t0, t0.Add(time.Minute))
			now := t0.Add(2 * time.Minute)
			got, err := slack.NewStore(storetest.Reopen(t, db)).RememberAll(ctx,
				[]string{"event:A1", "event:A-old", "event:A2", "event:A1", "event:A-expired"}, now, now.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if want := []bool{true, false, true, false, true}; !slices.Equal(got, want) {
				t.Fatalf("RememberAll = %v, want %v", got, want)
			}
			if first, err := st.Remember(ctx, "event:A2", now, now.Add(time.Hour)); err != nil || first {
				t.Fatalf("a key remembered in a batch is new again: %v, %v", first, err)
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

		t.Run("threads: saved, moved, scoped by workspace, expired and purged", func(t *testing.T) {
			th := slack.Thread{WorkspaceID: "T1", PostID: "P1", Channel: "C1", ThreadTS: "1700000000.000100", ExpiresAt: t0.Add(time.Hour)}
			if err := st.SaveThread(ctx, th); err != nil {
				t.Fatal(err)
			}
			if got, err := st.Thread(ctx, "T1", "P1", t0); err != nil || got != th {
				t.Fatalf("thread = %+v, %v; want %+v", got, err, th)
			}
			if _, err := st.Thread(ctx, "T2", "P1", t0); !errors.Is(err, slack.ErrNotFound) {
				t.Fatalf("another workspace's thread: err = %v", err)
			}
			th.Channel, th.ThreadTS = "C2", ""
			if err := st.SaveThread(ctx, th); err != nil {
				t.Fatal(err)
			}
			if got, err := slack.NewStore(storetest.Reopen(t, db)).Thread(ctx, "T1", "P1", t0); err != nil || got != th {
				t.Fatalf("moved thread (other replica) = %+v, %v; want %+v", got, err, th)
			}
			if _, err := st.Thread(ctx, "T1", "P1", t0.Add(time.Hour)); !errors.Is(err, slack.ErrNotFound) {
				t.Fatalf("expired thread: err = %v", err)
			}
			if err := st.SaveThread(ctx, slack.Thread{WorkspaceID: "T1", PostID: "P2", Channel: "C1", ExpiresAt: t0.Add(10 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.PurgeSeen(ctx, t0.Add(2*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Thread(ctx, "T1", "P2", t0); err != nil {
				t.Fatalf("purge deleted a live thread: %v", err)
			}
			if _, err := st.Thread(ctx, "T1", "P1", t0.Add(-time.Hour)); !errors.Is(err, slack.ErrNotFound) {
				t.Fatalf("purged thread still there: err = %v", err)
			}
		})

		outboxCases(t, db, st, t0)

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
