package publish

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	fk "github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func testPost(ws string, at time.Time, accounts ...string) Post {
	p := Post{ID: newID(), WorkspaceID: ws, Content: Content{Text: "hello", ImageURLs: []string{"https://img.example/a.png"}, MediaIDs: []string{"m1"}},
		Variants: map[platform.Name]string{platform.Twitter: "hi X"}, CreatedBy: "U1", Door: identity.DoorAPI,
		ScheduledAt: at, CreatedAt: at, UpdatedAt: at}
	for _, a := range accounts {
		b := bodyFor(p.Content, p.Variants, platform.Twitter, []platform.MediaRef{{ID: "m1", ContentType: "image/jpeg", Alt: "a dog"}})
		p.Targets = append(p.Targets, Delivery{ID: newID(), WorkspaceID: ws, PostID: p.ID, AccountID: a, Platform: platform.Twitter,
			Body: b, TextHash: textHash(platform.Twitter, b), Status: StatusPending, Rev: 1, Position: len(p.Targets), RunAt: at, JobID: "job-" + a,
			CreatedAt: at, UpdatedAt: at})
	}
	return p
}

// TestStore is the conformance suite: every case on SQLite and on MongoDB.
func TestStore(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)

		// Create and read back, deliveries attached; another workspace sees nothing.
		p := testPost("W1", t0, "acc1", "acc2")
		if err := st.CreatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := st.GetPost(ctx, "W1", p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Fatalf("GetPost =\n%+v\nwant\n%+v", got, p)
		}
		if _, err := st.GetPost(ctx, "W2", p.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("GetPost from another workspace: err = %v, want ErrNotFound", err)
		}
		if _, err := st.GetDelivery(ctx, "W2", p.Targets[0].ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("GetDelivery from another workspace: err = %v, want ErrNotFound", err)
		}

		// SaveDeliveries: compare-and-set on rev, batch results per item.
		d := p.Targets[0]
		m := d
		m.Status, m.Attempts, m.StartedAt, m.UpdatedAt = StatusPublishing, 1, t0.Add(time.Minute), t0.Add(time.Minute)
		stale := p.Targets[1]
		stale.Rev = 7
		ok, err := st.SaveDeliveries(ctx, []Delivery{m, stale})
		if err != nil || !ok[0] || ok[1] {
			t.Fatalf("SaveDeliveries = %v, %v; want [true false]", ok, err)
		}
		ok, err = st.SaveDeliveries(ctx, []Delivery{m}) // same rev again: lost
		if err != nil || ok[0] {
			t.Fatalf("second save over the same rev = %v, %v; want false", ok, err)
		}
		m.Rev++
		m.Status, m.PlatformPostID, m.URL, m.PublishedAt, m.LastError = StatusPublished, "p1", "https://x.com/i/status/p1", t0.Add(2*time.Minute), ""
		if ok, err := st.SaveDeliveries(ctx, []Delivery{m}); err != nil || !ok[0] {
			t.Fatalf("save published = %v, %v", ok, err)
		}
		back, err := st.GetDelivery(ctx, "W1", d.ID)
		if err != nil {
			t.Fatal(err)
		}
		m.Rev++
		if !reflect.DeepEqual(back, m) {
			t.Fatalf("GetDelivery =\n%+v\nwant\n%+v", back, m)
		}

		// Started counts attempts in the window; PublishedIDs names published ones.
		n, earliest, err := st.Started(ctx, "W1", "acc1", t0)
		if err != nil || n != 1 || !earliest.Equal(t0.Add(time.Minute)) {
			t.Fatalf("Started = %d, %v, %v; want 1 at %v", n, earliest, err, t0.Add(time.Minute))
		}
		if n, _, _ := st.Started(ctx, "W1", "acc1", t0.Add(2*time.Minute)); n != 0 {
			t.Fatalf("Started after the attempt = %d, want 0", n)
		}
		if n, _, _ := st.Started(ctx, "W1", "acc2", time.Time{}); n != 0 {
			t.Fatalf("Started of a never-sent delivery = %d, want 0", n)
		}
		ids, err := st.PublishedIDs(ctx, "W1", "acc1", t0)
		if err != nil || !reflect.DeepEqual(ids, []string{"p1"}) {
			t.Fatalf("PublishedIDs = %v, %v", ids, err)
		}

		// SameText: by account, hash and run-time window, not failed or cancelled.
		same, err := st.SameText(ctx, "W1", "acc2", d.TextHash, t0.Add(-time.Hour), t0.Add(time.Hour))
		if err != nil || len(same) != 1 || same[0].ID != p.Targets[1].ID {
			t.Fatalf("SameText = %+v, %v", same, err)
		}
		if same, _ := st.SameText(ctx, "W1", "acc2", d.TextHash, t0.Add(time.Hour), t0.Add(2*time.Hour)); len(same) != 0 {
			t.Fatalf("SameText outside the window = %d", len(same))
		}
		c := p.Targets[1]
		c.Status = StatusCancelled
		if ok, err := st.SaveDeliveries(ctx, []Delivery{c}); err != nil || !ok[0] {
			t.Fatal(ok, err)
		}
		if same, _ := st.SameText(ctx, "W1", "acc2", d.TextHash, t0.Add(-time.Hour), t0.Add(time.Hour)); len(same) != 0 {
			t.Fatalf("SameText counts a cancelled delivery")
		}

		// ReplacePost: content and deliveries over their rev; a stale rev conflicts.
		q := testPost("W1", t0.Add(time.Hour), "acc3")
		if err := st.CreatePost(ctx, q); err != nil {
			t.Fatal(err)
		}
		q.Content.Text, q.ScheduledAt, q.UpdatedAt = "changed", t0.Add(3*time.Hour), t0.Add(time.Minute)
		qd := q.Targets[0]
		qd.Body.Text, qd.TextHash, qd.RunAt = "changed", "h2", t0.Add(3*time.Hour)
		if err := st.ReplacePost(ctx, q, []Delivery{qd}); err != nil {
			t.Fatal(err)
		}
		if err := st.ReplacePost(ctx, q, []Delivery{qd}); !errors.Is(err, ErrConflict) {
			t.Fatalf("ReplacePost over a stale rev: err = %v, want ErrConflict", err)
		}
		gq, _ := st.GetPost(ctx, "W1", q.ID)
		if gq.Content.Text != "changed" || !gq.ScheduledAt.Equal(t0.Add(3*time.Hour)) || gq.Targets[0].Body.Text != "changed" ||
			gq.Targets[0].TextHash != "h2" || !gq.Targets[0].RunAt.Equal(t0.Add(3*time.Hour)) || gq.Targets[0].Rev != 2 {
			t.Fatalf("after ReplacePost: %+v", gq)
		}
		if err := st.ReplacePost(ctx, Post{ID: "nope", WorkspaceID: "W1"}, nil); !errors.Is(err, ErrNotFound) {
			t.Fatalf("ReplacePost of a missing post: %v", err)
		}

		// A failure's kind survives the round trip.
		fd := gq.Targets[0]
		retryAt := t0.Add(4 * time.Hour)
		fd.Status, fd.LastError = StatusFailed, "waiting for X"
		fd.Failure = &fk.Failure{Kind: fk.RateLimit, Platform: platform.Twitter, RetryAt: &retryAt}
		if ok, err := st.SaveDeliveries(ctx, []Delivery{fd}); err != nil || !ok[0] {
			t.Fatal(ok, err)
		}
		back, err = st.GetDelivery(ctx, "W1", fd.ID)
		if err != nil || back.Failure == nil || back.Failure.Kind != fk.RateLimit || back.Failure.Platform != platform.Twitter || !back.Failure.RetryAt.Equal(retryAt) {
			t.Fatalf("failure read back = %+v, %v", back.Failure, err)
		}
	})
}

func TestStoreListPaging(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		var want []string
		for i := range 5 {
			at := t0.Add(time.Duration(i/2) * time.Minute) // pairs share a created_at: the id breaks the tie
			p := testPost("W1", at, fmt.Sprintf("a%d", i))
			if err := st.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
			want = append(want, p.ID)
		}
		if err := st.CreatePost(ctx, testPost("W2", t0, "other")); err != nil {
			t.Fatal(err)
		}
		var got []string
		var after Cursor
		for range 4 {
			ps, err := st.ListPosts(ctx, "W1", PostFilter{}, 2, after)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if len(p.Targets) != 1 {
					t.Fatalf("post %s has %d targets, want 1", p.ID, len(p.Targets))
				}
				got = append(got, p.ID)
			}
			if len(ps) < 2 {
				break
			}
			after = Cursor{CreatedAt: ps[len(ps)-1].CreatedAt, ID: ps[len(ps)-1].ID}
		}
		if len(got) != 5 {
			t.Fatalf("paged %d posts, want 5: %v", len(got), got)
		}
		seen := map[string]bool{}
		for i, id := range got {
			if seen[id] {
				t.Fatalf("post %s listed twice", id)
			}
			seen[id] = true
			if i > 0 {
				// newest first
				pi, _ := st.GetPost(ctx, "W1", got[i-1])
				pj, _ := st.GetPost(ctx, "W1", id)
				if pj.CreatedAt.After(pi.CreatedAt) || (pj.CreatedAt.Equal(pi.CreatedAt) && pj.ID > pi.ID) {
					t.Fatalf("order broken at %d: %v", i, got)
				}
			}
		}
		for _, id := range want {
			if !seen[id] {
				t.Fatalf("post %s never listed", id)
			}
		}
	})
}

func TestStoreIdempotencyKeys(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		k := StoredKey{WorkspaceID: "W1", UserID: "U1", Key: "k1", Fingerprint: "f1", CreatedAt: t0}
		if _, created, err := st.BeginKey(ctx, k); err != nil || !created {
			t.Fatalf("BeginKey = %v, %v", created, err)
		}
		got, created, err := st.BeginKey(ctx, k)
		if err != nil || created || got.Status != 0 || got.Fingerprint != "f1" {
			t.Fatalf("BeginKey again = %+v, %v, %v; want in progress", got, created, err)
		}
		// Same key, another user: its own.
		if _, created, err := st.BeginKey(ctx, StoredKey{WorkspaceID: "W1", UserID: "U2", Key: "k1", Fingerprint: "f9", CreatedAt: t0}); err != nil || !created {
			t.Fatalf("BeginKey by another user = %v, %v", created, err)
		}
		k.Status, k.Body = 200, []byte(`{"success":true}`)
		if err := st.FinishKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		got, _, err = st.BeginKey(ctx, k)
		if err != nil || got.Status != 200 || string(got.Body) != `{"success":true}` || !got.CreatedAt.Equal(t0) {
			t.Fatalf("finished key = %+v, %v", got, err)
		}
		if err := st.DeleteKey(ctx, "W1", "U2", "k1"); err != nil {
			t.Fatal(err)
		}
		if _, created, _ := st.BeginKey(ctx, StoredKey{WorkspaceID: "W1", UserID: "U2", Key: "k1", Fingerprint: "f9", CreatedAt: t0.Add(time.Hour)}); !created {
			t.Fatal("a deleted key was not free again")
		}
		n, err := st.PurgeKeys(ctx, t0.Add(time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("PurgeKeys = %d, %v; want 1 (the older key)", n, err)
		}
	})
}

// TestStoreSaveBatch checks a group commit of many deliveries.
func TestStoreSaveBatch(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		var accounts []string
		for i := range 20 {
			accounts = append(accounts, fmt.Sprintf("a%d", i))
		}
		p := testPost("W1", t0, accounts...)
		if err := st.CreatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		c := newCommitter(st.SaveDeliveries)
		errs := make(chan error, len(p.Targets))
		for _, d := range p.Targets {
			go func(d Delivery) {
				d.Status, d.StartedAt = StatusPublishing, t0.Add(time.Second)
				ok, err := c.Save(ctx, d)
				if err == nil && !ok {
					err = fmt.Errorf("delivery %s not written", d.ID)
				}
				errs <- err
			}(d)
		}
		for range p.Targets {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if n, _, _ := st.Started(ctx, "W1", "a7", t0); n != 1 {
			t.Fatalf("Started = %d after the group commit, want 1", n)
		}
	})
}
