package publish

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// TestStorePublishedSince is PublishedSince's conformance case, on both
// backends: only the workspace's published deliveries from since on, with
// a platform id, oldest first.
func TestStorePublishedSince(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		since := t0.Add(-30 * 24 * time.Hour)
		publish := func(d Delivery, at time.Time, id string) Delivery {
			d.Status, d.PlatformPostID, d.PublishedAt, d.StartedAt, d.UpdatedAt = StatusPublished, id, at, at, at
			return d
		}
		// W1: published late, published early, published before the window,
		// failed, pending. W2: published in the window.
		p1 := testPost("W1", t0, "a1", "a2", "a3", "a4", "a5")
		p2 := testPost("W2", t0, "b1")
		for _, p := range []Post{p1, p2} {
			if err := st.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		late := publish(p1.Targets[0], t0.Add(2*time.Hour), "tw-late")
		early := publish(p1.Targets[1], since, "tw-early") // at since: included
		old := publish(p1.Targets[2], since.Add(-time.Millisecond), "tw-old")
		failed := p1.Targets[3]
		failed.Status, failed.LastError = StatusFailed, "refused"
		other := publish(p2.Targets[0], t0, "tw-w2")
		ok, err := st.SaveDeliveries(ctx, []Delivery{late, early, old, failed, other})
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range ok {
			if !w {
				t.Fatalf("save %d lost", i)
			}
		}

		got, err := st.PublishedSince(ctx, "W1", since)
		if err != nil {
			t.Fatal(err)
		}
		want := []PublishedDelivery{
			{WorkspaceID: "W1", DeliveryID: early.ID, PostID: p1.ID, AccountID: "a2", Platform: platform.Twitter, PlatformPostID: "tw-early", PublishedAt: since},
			{WorkspaceID: "W1", DeliveryID: late.ID, PostID: p1.ID, AccountID: "a1", Platform: platform.Twitter, PlatformPostID: "tw-late", PublishedAt: t0.Add(2 * time.Hour)},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("PublishedSince(W1) =\n%+v\nwant\n%+v", got, want)
		}
		got, err = st.PublishedSince(ctx, "W2", since)
		if err != nil || len(got) != 1 || got[0].DeliveryID != other.ID || got[0].WorkspaceID != "W2" {
			t.Fatalf("PublishedSince(W2) = %+v, %v; want only W2's delivery", got, err)
		}
		if got, err := st.PublishedSince(ctx, "W3", since); err != nil || len(got) != 0 {
			t.Fatalf("PublishedSince(W3) = %+v, %v; want nothing", got, err)
		}
	})
}
