package inbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

func item(ws string, p platform.Name, ext string, received time.Time) Item {
	return Item{ID: ItemID(ws, p, ext), WorkspaceID: ws, AccountID: "acc-" + string(p), Platform: p, ExternalID: ext,
		PostExternalID: "post1", PostText: "Our launch", AuthorName: "Ann", AuthorHandle: "ann", Text: "Love it " + ext,
		Kind: KindComment, State: StateNew, Replies: []Reply{}, CreatedAt: received.Add(-time.Minute), ReceivedAt: received}
}

// TestStoreConformance runs every Store case on SQLite and on MongoDB.
func TestStoreConformance(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		a := item("T1", platform.Facebook, "c1", t0)
		b := item("T1", platform.Facebook, "c2", t0.Add(time.Second))
		other := item("T2", platform.Facebook, "c1", t0)

		// Insert stores new ids only, across calls and within one.
		got, err := st.Insert(ctx, []Item{a, b, other})
		if err != nil || len(got) != 3 {
			t.Fatalf("insert = %d, %v", len(got), err)
		}
		again := a
		again.Text = "changed"
		c := item("T1", platform.Twitter, "c1", t0.Add(2*time.Second))
		if got, err := st.Insert(ctx, []Item{again, c, b}); err != nil || len(got) != 1 || got[0].ID != c.ID {
			t.Fatalf("second insert = %+v, %v", got, err)
		}
		if g, err := st.Get(ctx, "T1", a.ID); err != nil || g.Text != a.Text || !g.CreatedAt.Equal(a.CreatedAt) || g.Replies == nil {
			t.Fatalf("get = %+v, %v", g, err)
		}
		if _, err := st.Get(ctx, "T2", a.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another workspace's id: %v", err)
		}

		// List: newest first, filters, paging by cursor.
		list, err := st.List(ctx, "T1", Filter{}, store.Cursor{}, 10)
		if err != nil || len(list) != 3 || list[0].ID != c.ID || list[2].ID != a.ID {
			t.Fatalf("list = %+v, %v", list, err)
		}
		if l, _ := st.List(ctx, "T1", Filter{Platform: platform.Facebook}, store.Cursor{}, 10); len(l) != 2 {
			t.Fatalf("platform filter = %d", len(l))
		}
		if l, _ := st.List(ctx, "T1", Filter{Since: t0.Add(time.Second), Until: t0.Add(2 * time.Second)}, store.Cursor{}, 10); len(l) != 1 || l[0].ID != b.ID {
			t.Fatalf("period filter = %+v", l)
		}
		if l, _ := st.List(ctx, "T1", Filter{}, store.Cursor{CreatedAt: c.ReceivedAt, ID: c.ID}, 1); len(l) != 1 || l[0].ID != b.ID {
			t.Fatalf("after cursor = %+v", l)
		}

		// Replies: one per key; end and drop.
		r := Reply{Text: "Thanks!", By: "U1", At: t0.Add(time.Minute), Key: "k1"}
		if it, began, err := st.BeginReply(ctx, "T1", a.ID, r); err != nil || !began || len(it.Replies) != 1 {
			t.Fatalf("begin = %+v %v %v", it, began, err)
		}
		if _, began, err := st.BeginReply(ctx, "T1", a.ID, r); err != nil || began {
			t.Fatalf("second begin = %v %v", began, err)
		}
		it, err := st.EndReply(ctx, "T1", a.ID, "k1", "fb-r1", t0.Add(2*time.Minute))
		if err != nil || it.State != StateAnswered || it.HandledBy != "U1" || !it.AnsweredAt.Equal(t0.Add(2*time.Minute)) || it.Replies[0].ExternalID != "fb-r1" {
			t.Fatalf("end = %+v, %v", it, err)
		}
		if _, _, err := st.BeginReply(ctx, "T1", a.ID, Reply{Text: "More", By: "U2", At: t0, Key: "k2"}); err != nil {
			t.Fatal(err)
		}
		// A reply cut off mid-send (never ended nor dropped) holds off its
		// retries for ReplyLease, then gives way; a sent one never does.
		if _, began, err := st.BeginReply(ctx, "T1", a.ID, Reply{Text: "More", By: "U2", At: t0.Add(ReplyLease - time.Second), Key: "k2"}); err != nil || began {
			t.Fatalf("retry within the lease = %v %v", began, err)
		}
		if it, began, err := st.BeginReply(ctx, "T1", a.ID, Reply{Text: "More", By: "U2", At: t0.Add(ReplyLease), Key: "k2"}); err != nil || !began || len(it.Replies) != 2 || !it.Replies[1].At.Equal(t0.Add(ReplyLease)) {
			t.Fatalf("retry after the lease = %+v %v %v", it.Replies, began, err)
		}
		if _, began, err := st.BeginReply(ctx, "T1", a.ID, Reply{Text: "Thanks!", By: "U1", At: t0.Add(time.Hour), Key: "k1"}); err != nil || began {
			t.Fatalf("a sent reply begun again = %v %v", began, err)
		}
		if err := st.DropReply(ctx, "T1", a.ID, "k2"); err != nil {
			t.Fatal(err)
		}
		if g, _ := st.Get(ctx, "T1", a.ID); len(g.Replies) != 1 || g.Replies[0].Key != "k1" {
			t.Fatalf("after drop = %+v", g.Replies)
		}
		if _, _, err := st.BeginReply(ctx, "T2", a.ID, r); !errors.Is(err, ErrNotFound) {
			t.Fatalf("reply across workspaces: %v", err)
		}

		// State, count, answered.
		if it, err := st.SetState(ctx, "T1", b.ID, StateDone, "U2"); err != nil || it.State != StateDone || it.HandledBy != "U2" {
			t.Fatalf("set state = %+v, %v", it, err)
		}
		if _, err := st.SetState(ctx, "T2", b.ID, StateDone, "U2"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("state across workspaces: %v", err)
		}
		if n, err := st.Count(ctx, "T1", StateNew); err != nil || n != 1 {
			t.Fatalf("count = %d, %v", n, err)
		}
		if ans, err := st.Answered(ctx, "T1", t0, t0.Add(time.Hour)); err != nil || len(ans) != 1 || ans[0].ID != a.ID {
			t.Fatalf("answered = %+v, %v", ans, err)
		}

		// Claims: oldest first, leased, not again until the lease runs out
		// or forever once announced.
		claimed, err := st.ClaimUnannounced(ctx, t0, "r1", time.Minute, 2)
		if err != nil || len(claimed) != 2 || claimed[0].ReceivedAt.After(claimed[1].ReceivedAt) {
			t.Fatalf("claim = %+v, %v", claimed, err)
		}
		rest, _ := st.ClaimUnannounced(ctx, t0, "r2", time.Minute, 10)
		if len(rest) != 2 {
			t.Fatalf("second claimer got %d, want the 2 left", len(rest))
		}
		if none, _ := st.ClaimUnannounced(ctx, t0.Add(30*time.Second), "r3", time.Minute, 10); len(none) != 0 {
			t.Fatalf("claimed under a lease: %+v", none)
		}
		if err := st.MarkAnnounced(ctx, claimed[0].WorkspaceID, claimed[0].ID, Announce{Channel: "C1", TS: "1.2"}); err != nil {
			t.Fatal(err)
		}
		if err := st.MarkAnnounced(ctx, "T9", claimed[1].ID, Announce{}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("announce across workspaces: %v", err)
		}
		expired, _ := st.ClaimUnannounced(ctx, t0.Add(2*time.Minute), "r4", time.Minute, 10)
		if len(expired) != 3 {
			t.Fatalf("after the lease: %d claimed, want 3", len(expired))
		}
		if g, _ := st.Get(ctx, claimed[0].WorkspaceID, claimed[0].ID); g.Slack != (Announce{Channel: "C1", TS: "1.2"}) {
			t.Fatalf("announce = %+v", g.Slack)
		}

		// Cursors per account and workspace.
		if c, err := st.Cursor(ctx, "T1", "acc1"); err != nil || c != "" {
			t.Fatalf("first cursor = %q, %v", c, err)
		}
		for _, v := range []string{"100", "200"} {
			if err := st.SetCursor(ctx, "T1", "acc1", v); err != nil {
				t.Fatal(err)
			}
		}
		if c, _ := st.Cursor(ctx, "T1", "acc1"); c != "200" {
			t.Fatalf("cursor = %q", c)
		}
		if c, _ := st.Cursor(ctx, "T2", "acc1"); c != "" {
			t.Fatalf("another workspace's cursor = %q", c)
		}
	})
}

// TestStoreConcurrentIngestAndClaim: two writers delivering the same items
// store each once, and two claimers never share an item.
func TestStoreConcurrentIngestAndClaim(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		if db.Backend == store.Mongo {
			storetest.SkipOnFerretDB(t, db, "single claims")
		}
		ctx := context.Background()
		st := NewStore(db)
		var items []Item
		for i := range 20 {
			items = append(items, item("T1", platform.Instagram, fmt.Sprint("c", i), t0.Add(time.Duration(i)*time.Millisecond)))
		}
		var wg sync.WaitGroup
		counts := make([]int, 2)
		claims := make([][]Item, 2)
		for w := range 2 {
			wg.Go(func() {
				got, err := st.Insert(ctx, items)
				if err != nil {
					t.Error(err)
				}
				counts[w] = len(got)
			})
		}
		wg.Wait()
		if counts[0]+counts[1] != len(items) {
			t.Fatalf("stored %v, want %d in all", counts, len(items))
		}
		for w := range 2 {
			wg.Go(func() {
				c, err := st.ClaimUnannounced(ctx, t0, fmt.Sprint("r", w), time.Minute, 20)
				if err != nil {
					t.Error(err)
				}
				claims[w] = c
			})
		}
		wg.Wait()
		seen := map[string]bool{}
		for _, c := range append(claims[0], claims[1]...) {
			if seen[c.ID] {
				t.Fatalf("%s claimed twice", c.ID)
			}
			seen[c.ID] = true
		}
		if len(seen) != len(items) {
			t.Fatalf("claimed %d, want %d", len(seen), len(items))
		}
	})
}
