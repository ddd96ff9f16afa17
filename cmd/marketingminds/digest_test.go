package main

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/settings"
)

type digestSettings []settings.Settings

func (s digestSettings) Digests(context.Context) ([]settings.Settings, error) { return s, nil }

type digestReviews struct{}

func (digestReviews) Digest(_ context.Context, c identity.Caller) (analytics.Digest, error) {
	return analytics.Digest{Review: analytics.Review{TimeZone: c.WorkspaceID}}, nil
}

// sends records the digests posted, by workspace.
type sends struct {
	mu sync.Mutex
	to map[string][]string
}

func (s *sends) post(_ context.Context, ws, channel string, _ *time.Location, _ analytics.Digest) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.to[ws] = append(s.to[ws], channel)
	return nil
}

func workspacesWithDigest(n int, zone string) digestSettings {
	var out digestSettings
	for i := range n {
		out = append(out, settings.Settings{WorkspaceID: fmt.Sprintf("W%03d", i), TimeZone: zone, WeeklyDigest: true, DigestChannel: "CDIGEST"})
	}
	return out
}

// Two replicas on one database, each ticking twice in a workspace's Monday
// 09:xx, send its digest once; a workspace whose local time is not Monday
// 09:xx gets none.
func TestDigestOncePerWeekAcrossReplicas(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	other := storetest.Reopen(t, db)
	all := append(workspacesWithDigest(1, "Europe/Paris"), settings.Settings{WorkspaceID: "WNY", TimeZone: "America/New_York", WeeklyDigest: true, DigestChannel: "CNY"})
	got := &sends{to: map[string][]string{}}
	monday := time.Date(2026, 12, 7, 8, 10, 0, 0, time.UTC) // 09:10 in Paris, 03:10 in New York
	for _, replica := range []*store.DB{db, other, db, other} {
		d := digester{settings: all, analytics: digestReviews{}, locks: replica, post: got.post, now: func() time.Time { return monday }}
		if err := d.run(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if len(got.to) != 1 || len(got.to["W000"]) != 1 || got.to["W000"][0] != "CDIGEST" {
		t.Fatalf("sent: %v, want one digest to W000 in CDIGEST", got.to)
	}
	// The next Monday is another week.
	next := monday.AddDate(0, 0, 7)
	d := digester{settings: all, analytics: digestReviews{}, locks: other, post: got.post, now: func() time.Time { return next }}
	if err := d.run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(got.to["W000"]) != 2 {
		t.Fatalf("next week: %v", got.to)
	}
}

// The job's time for 100 workspaces on SQLite (locks and sends).
func TestDigest100Workspaces(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	got := &sends{to: map[string][]string{}}
	monday := time.Date(2026, 12, 7, 9, 5, 0, 0, time.UTC)
	d := digester{settings: workspacesWithDigest(100, "UTC"), analytics: digestReviews{}, locks: db, post: got.post, now: func() time.Time { return monday }}
	t0 := time.Now()
	if err := d.run(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Logf("digest job, 100 workspaces on SQLite: %v", time.Since(t0))
	if len(got.to) != 100 {
		t.Fatalf("%d workspaces sent, want 100", len(got.to))
	}
}
