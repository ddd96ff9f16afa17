package slack_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// outboxCases are TestStoreConformance's cases of the outcome outbox.
func outboxCases(t *testing.T, db *store.DB, st slack.Store, t0 time.Time) {
	ctx := context.Background()
	const lease = time.Minute
	claim := func(t *testing.T, st slack.Store, owner string, now time.Time) []slack.Outgoing {
		t.Helper()
		got, err := st.ClaimOutcomes(ctx, owner, now, lease, 100)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	queue := func(st slack.Store, ws, post string, now time.Time) error {
		return st.QueueOutcomes(ctx, []slack.PostRef{{WorkspaceID: ws, PostID: post}}, now)
	}

	t.Run("outbox: queued outcomes of a post coalesce, are claimed once, and finish", func(t *testing.T) {
		for range 3 {
			if err := queue(st, "TO1", "P1", t0); err != nil {
				t.Fatal(err)
			}
		}
		if err := queue(st, "TO2", "P1", t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := claim(t, st, "a", t0); len(got) != 1 || got[0].WorkspaceID != "TO1" || got[0].PostID != "P1" || got[0].Seq != 3 {
			t.Fatalf("claimed %+v; want TO1's P1 once, seq 3", got)
		}
		other := slack.NewStore(storetest.Reopen(t, db))
		got := claim(t, other, "b", t0.Add(time.Second))
		if len(got) != 1 || got[0].WorkspaceID != "TO2" {
			t.Fatalf("another replica claimed %+v; want only TO2's P1 (TO1's is leased)", got)
		}
		if err := other.FinishOutcomes(ctx, []slack.Finished{{Outgoing: got[0], ToldKey: "k1"}}, t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		got = claim(t, st, "a", t0.Add(lease+2*time.Second))
		if len(got) != 1 || got[0].WorkspaceID != "TO1" {
			t.Fatalf("after the lease: claimed %+v; want TO1's P1 again", got)
		}
		if err := st.FinishOutcomes(ctx, []slack.Finished{{Outgoing: got[0], ToldKey: "k1"}}, t0.Add(lease+2*time.Second)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("outbox: an outcome queued during the send stays due; told key kept", func(t *testing.T) {
		if err := queue(st, "TO3", "P1", t0); err != nil {
			t.Fatal(err)
		}
		got := claim(t, st, "a", t0)
		if len(got) != 1 || got[0].WorkspaceID != "TO3" || got[0].ToldKey != "" {
			t.Fatalf("claimed %+v", got)
		}
		if err := queue(st, "TO3", "P1", t0); err != nil {
			t.Fatal(err)
		}
		if err := st.FinishOutcomes(ctx, []slack.Finished{{Outgoing: got[0], ToldKey: "k1"}}, t0); err != nil {
			t.Fatal(err)
		}
		again := claim(t, st, "a", t0)
		if len(again) != 1 || again[0].ToldKey != "k1" || again[0].Seq != 2 {
			t.Fatalf("claimed %+v; want TO3's P1 again, told k1, seq 2", again)
		}
		if err := st.FinishOutcomes(ctx, []slack.Finished{{Outgoing: again[0], ToldKey: ""}}, t0); err != nil {
			t.Fatal(err)
		}
		if got := claim(t, st, "a", t0.Add(2*lease)); len(got) != 0 {
			t.Fatalf("finished outcome claimed again: %+v", got)
		}
	})

	t.Run("outbox: a retry waits until its time; MarkTold records the key", func(t *testing.T) {
		if err := queue(st, "TO4", "P1", t0); err != nil {
			t.Fatal(err)
		}
		got := claim(t, st, "a", t0)
		if len(got) != 1 || got[0].WorkspaceID != "TO4" {
			t.Fatalf("claimed %+v", got)
		}
		if err := st.RetryOutcome(ctx, got[0], t0.Add(30*time.Second), 1); err != nil {
			t.Fatal(err)
		}
		if err := queue(st, "TO4", "P1", t0.Add(time.Second)); err != nil { // keeps the retry's time
			t.Fatal(err)
		}
		if got := claim(t, st, "a", t0.Add(29*time.Second)); len(got) != 0 {
			t.Fatalf("claimed before the retry's time: %+v", got)
		}
		if err := st.MarkTold(ctx, "TO4", "P1", "k9", t0); err != nil {
			t.Fatal(err)
		}
		got = claim(t, st, "a", t0.Add(30*time.Second))
		if len(got) != 1 || got[0].Attempts != 1 || got[0].ToldKey != "k9" {
			t.Fatalf("claimed %+v; want TO4's P1, 1 attempt, told k9", got)
		}
		if err := st.FinishOutcomes(ctx, []slack.Finished{{Outgoing: got[0], ToldKey: ""}}, t0); err != nil {
			t.Fatal(err)
		}
		if err := st.MarkTold(ctx, "TO5", "P1", "k1", t0); err != nil { // a post never queued
			t.Fatal(err)
		}
		for _, c := range []struct{ ws, want string }{{"TO5", "k1"}, {"TO4", "k9"}, {"TO0", ""}} {
			if got, err := st.ToldKey(ctx, c.ws, "P1"); err != nil || got != c.want {
				t.Fatalf("ToldKey(%s) = %q, %v; want %q", c.ws, got, err, c.want)
			}
		}
		if got := claim(t, st, "a", t0.Add(time.Hour)); len(got) != 0 {
			t.Fatalf("a told post was claimed: %+v", got)
		}
	})

	t.Run("outbox: one batch of outcomes, a post repeated in it coalesced", func(t *testing.T) {
		refs := []slack.PostRef{{WorkspaceID: "TO7", PostID: "P1"}, {WorkspaceID: "TO7", PostID: "P2"}, {WorkspaceID: "TO7", PostID: "P1"}}
		if err := st.QueueOutcomes(ctx, refs, t0); err != nil {
			t.Fatal(err)
		}
		got := claim(t, st, "a", t0)
		seqs := map[string]int64{}
		for _, o := range got {
			seqs[o.PostID] = o.Seq
			if err := st.FinishOutcomes(ctx, []slack.Finished{{Outgoing: o, ToldKey: "k"}}, t0); err != nil {
				t.Fatal(err)
			}
		}
		if len(got) != 2 || seqs["P1"] != 2 || seqs["P2"] != 1 {
			t.Fatalf("claimed %+v; want P1 (seq 2) and P2 (seq 1)", got)
		}
	})

	t.Run("outbox: concurrent claimers on two replicas take each outcome once", func(t *testing.T) {
		for i := range 10 {
			if err := queue(st, "TO6", string(rune('a'+i)), t0); err != nil {
				t.Fatal(err)
			}
		}
		stores := []slack.Store{st, slack.NewStore(storetest.Reopen(t, db))}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				got, err := stores[i%2].ClaimOutcomes(ctx, string(rune('A'+i)), t0.Add(time.Hour), lease, 100)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, o := range got {
					seen[o.WorkspaceID+"/"+o.PostID]++
				}
			})
		}
		wg.Wait()
		if len(seen) != 10 {
			t.Fatalf("%d outcomes claimed, want 10: %v", len(seen), seen)
		}
		for k, n := range seen {
			if n != 1 {
				t.Fatalf("%s claimed %d times", k, n)
			}
		}
	})
}
