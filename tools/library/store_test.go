package library

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
)

func TestMain(m *testing.M) { storetest.Main(m) }

func ids(items []Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestStoreConformance(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		at := store.Trunc(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		mk := func(id, ws string, kind Kind, minute int, title, body string, tags ...string) Item {
			return Item{ID: id, WorkspaceID: ws, Kind: kind, Title: title, Body: body, Tags: tags, CreatedBy: "U1",
				CreatedAt: at.Add(time.Duration(minute) * time.Minute), UpdatedBy: "U1", UpdatedAt: at.Add(time.Duration(minute) * time.Minute), Rev: 1}
		}
		full := mk("i1", "T1", KindContent, 0, "Summer sale", "Our Summer Sale starts Friday: café deals!", "SummerSale", "Deals")
		full.Variants = map[platform.Name]string{platform.Twitter: "Sale on X", platform.LinkedIn: "Sale on LinkedIn"}
		full.MediaURLs = []string{"https://cdn.example/a.png", "https://cdn.example/b.png"}
		full.MediaIDs, full.MediaVideos = []string{"m-video", "m-image"}, 1
		full.Link, full.CampaignID = "https://acme.example/sale", "camp-1"
		items := []Item{
			full,
			mk("i2", "T1", KindContent, 1, "Launch day", "The relaunch of our app", "launch"),
			mk("i3", "T1", KindTemplate, 2, "Welcome {{name}}", "Hello {{name}}, welcome to the summer", "onboarding"),
			mk("i4", "T2", KindContent, 3, "Summer in T2", "Summer sale elsewhere", "SummerSale"),
			mk("i5", "T1", KindContent, 3, "Same minute", "Launches happen", "Launch"),
		}
		for _, it := range items {
			if err := st.Insert(ctx, it); err != nil {
				t.Fatalf("insert %s: %v", it.ID, err)
			}
		}
		got, err := st.Get(ctx, "T1", KindContent, "i1")
		if err != nil || !reflect.DeepEqual(got, full) {
			t.Fatalf("get = %+v, %v\nwant %+v", got, err, full)
		}
		// Empty collections read back empty, not nil, on both backends.
		got, _ = st.Get(ctx, "T1", KindContent, "i2")
		if got.Variants == nil || got.MediaURLs == nil || got.MediaIDs == nil || got.MediaVideos != 0 || len(got.Tags) != 1 {
			t.Fatalf("sparse item = %+v", got)
		}
		for _, tc := range []struct {
			name, ws string
			kind     Kind
			id       string
		}{{"another workspace", "T2", KindContent, "i1"}, {"another kind", "T1", KindTemplate, "i1"}, {"missing", "T1", KindContent, "nope"}} {
			if _, err := st.Get(ctx, tc.ws, tc.kind, tc.id); !errors.Is(err, ErrNotFound) {
				t.Errorf("get %s: %v, want ErrNotFound", tc.name, err)
			}
		}

		for _, tc := range []struct {
			name string
			q    Query
			want []string
		}{
			{"all kinds, newest first, id breaks ties", Query{}, []string{"i5", "i3", "i2", "i1"}},
			{"content", Query{Kind: KindContent}, []string{"i5", "i2", "i1"}},
			{"templates", Query{Kind: KindTemplate}, []string{"i3"}},
			{"word prefix", Query{Keys: []string{"summ"}}, []string{"i3", "i1"}},
			{"every word", Query{Keys: []string{"summer", "fri"}}, []string{"i1"}},
			{"accent folded", Query{Keys: []string{"cafe"}}, []string{"i1"}},
			{"prefix, not infix", Query{Keys: []string{"launch"}}, []string{"i5", "i2"}},
			{"tag words are searched", Query{Keys: []string{"onboard"}}, []string{"i3"}},
			{"tag exact", Query{TagKey: "launch"}, []string{"i5", "i2"}},
			{"tag is not a prefix", Query{TagKey: "summer"}, nil},
			{"tag and kind", Query{Kind: KindContent, TagKey: "summersale"}, []string{"i1"}},
			{"campaign", Query{CampaignID: "camp-1"}, []string{"i1"}},
			{"no match", Query{Keys: []string{"zebra"}}, nil},
			{"limit", Query{Limit: 2}, []string{"i5", "i3"}},
			{"after a cursor", Query{After: Cursor{CreatedAt: at.Add(2 * time.Minute), ID: "i3"}}, []string{"i2", "i1"}},
		} {
			if tc.q.Limit == 0 {
				tc.q.Limit = 10
			}
			list, err := st.List(ctx, "T1", tc.q)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if g := ids(list); fmt.Sprint(g) != fmt.Sprint(append([]string{}, tc.want...)) {
				t.Errorf("%s: got %v, want %v", tc.name, g, tc.want)
			}
		}
		if list, _ := st.List(ctx, "T1", Query{Keys: []string{"summer"}, Limit: 10}); len(list) != 2 || list[1].Link != full.Link ||
			!reflect.DeepEqual(list[1].MediaIDs, full.MediaIDs) || list[1].MediaVideos != 1 {
			t.Fatalf("a listed item is not whole: %+v", list)
		}

		// Replace is a compare-and-swap on rev, within workspace and kind.
		upd := full
		upd.Title, upd.Body, upd.Tags, upd.Variants = "Autumn sale", "Autumn deals", []string{"Autumn"}, nil
		upd.MediaIDs, upd.MediaVideos = []string{"m-image", "m-other"}, 0
		upd.UpdatedBy, upd.UpdatedAt, upd.Rev = "U2", at.Add(time.Hour), 2
		if err := st.Replace(ctx, upd, 1); err != nil {
			t.Fatal(err)
		}
		if err := st.Replace(ctx, upd, 1); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale replace: %v, want ErrConflict", err)
		}
		other := upd
		other.WorkspaceID = "T2"
		if err := st.Replace(ctx, other, 2); !errors.Is(err, ErrNotFound) {
			t.Fatalf("replace from another workspace: %v, want ErrNotFound", err)
		}
		got, _ = st.Get(ctx, "T1", KindContent, "i1")
		want := filled(upd)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after replace = %+v\nwant %+v", got, want)
		}
		// The keys follow the new text.
		if list, _ := st.List(ctx, "T1", Query{Keys: []string{"fri"}, Limit: 10}); len(list) != 0 {
			t.Fatalf("old words still found: %v", ids(list))
		}
		if list, _ := st.List(ctx, "T1", Query{TagKey: "autumn", Keys: []string{"autu"}, Limit: 10}); len(list) != 1 {
			t.Fatalf("new words not found: %v", ids(list))
		}

		if err := st.Delete(ctx, "T2", KindContent, "i1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("delete from another workspace: %v", err)
		}
		if err := st.Delete(ctx, "T1", KindTemplate, "i1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("delete as another kind: %v", err)
		}
		if err := st.Delete(ctx, "T1", KindContent, "i1"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Get(ctx, "T1", KindContent, "i1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("get after delete: %v", err)
		}
		if err := st.Delete(ctx, "T1", KindContent, "i1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})
}
