package inbox

import (
	"context"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// TestFirstAnswers: the median wait to a first answer per platform over a
// period, the busiest platform first; unanswered items and other periods
// and workspaces do not count.
func TestFirstAnswers(t *testing.T) {
	db := storetest.Open(t, store.SQLite, Schema)
	st := NewStore(db)
	ctx := context.Background()
	svc := New(Config{Store: st})
	var items []Item
	for i, w := range []struct {
		p    platform.Name
		wait time.Duration
	}{{platform.Facebook, time.Hour}, {platform.Facebook, 2*time.Hour + 10*time.Minute}, {platform.Facebook, 5 * time.Hour}, {platform.Twitter, 35 * time.Minute}, {platform.Twitter, -1}} {
		it := item("T1", w.p, string(rune('a'+i)), t0.Add(time.Duration(i)*time.Minute))
		if w.wait >= 0 {
			it.State, it.AnsweredAt = StateAnswered, it.ReceivedAt.Add(w.wait)
		}
		items = append(items, it)
	}
	late := item("T1", platform.Facebook, "late", t0.AddDate(0, 0, 8))
	late.State, late.AnsweredAt = StateAnswered, late.ReceivedAt.Add(time.Minute)
	other := item("T2", platform.Facebook, "o", t0)
	other.State, other.AnsweredAt = StateAnswered, other.ReceivedAt.Add(time.Minute)
	if _, err := st.Insert(ctx, append(items, late, other)); err != nil {
		t.Fatal(err)
	}
	got, err := svc.FirstAnswers(ctx, identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer}, t0.Add(-time.Hour), t0.AddDate(0, 0, 7))
	want := []FirstAnswer{{Platform: platform.Facebook, Median: 2*time.Hour + 10*time.Minute, Count: 3}, {Platform: platform.Twitter, Median: 35 * time.Minute, Count: 1}}
	if err != nil || len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("first answers = %+v, %v; want %+v", got, err, want)
	}
}
