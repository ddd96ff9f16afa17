package publish

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// TestStoreGetDeliveries is the batch read's conformance case, on both
// backends: the rows among the ids that exist, as GetDelivery reads them.
func TestStoreGetDeliveries(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		br, ok := st.(batchReader)
		if !ok {
			t.Fatalf("%s store cannot read in batches", db.Backend)
		}
		p1, p2 := testPost("W1", t0, "a1", "a2"), testPost("W2", t0, "b1")
		for _, p := range []Post{p1, p2} {
			if err := st.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		ids := []string{p1.Targets[0].ID, p1.Targets[1].ID, p2.Targets[0].ID, "missing"}
		got, err := br.GetDeliveries(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(got, func(i, j int) bool { return got[i].ID < got[j].ID })
		var want []Delivery
		for _, d := range []Delivery{p1.Targets[0], p1.Targets[1], p2.Targets[0]} {
			one, err := st.GetDelivery(ctx, d.WorkspaceID, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, one)
		}
		sort.Slice(want, func(i, j int) bool { return want[i].ID < want[j].ID })
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("GetDeliveries =\n%+v\nwant\n%+v", got, want)
		}
		if got, err := br.GetDeliveries(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("no ids: %v, %v", got, err)
		}

		// Through the fetcher, another workspace's id is not found.
		f := newFetcher(br, 10)
		if _, err := f.get(ctx, "W1", p2.Targets[0].ID); err == nil {
			t.Fatal("the fetcher returned another workspace's delivery")
		}
		if d, err := f.get(ctx, "W2", p2.Targets[0].ID); err != nil || d.ID != p2.Targets[0].ID {
			t.Fatalf("fetch = %+v, %v", d, err)
		}
	})
}
