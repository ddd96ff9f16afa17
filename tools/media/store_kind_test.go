package media

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// TestStoreKindAndCount: a listing by kind takes images or videos by their
// content type, with the other filters and the page; Count counts what a
// query selects, in the workspace only.
func TestStoreKindAndCount(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		files := []struct{ id, ct string }{{"i1", "image/jpeg"}, {"v1", "video/mp4"}, {"i2", "image/png"}, {"v2", "video/quicktime"}, {"i3", "image/webp"}}
		for i, f := range files {
			r := rec("T1", f.id, "sha-"+f.id, t0.Add(time.Duration(i)*time.Minute))
			r.ContentType = f.ct
			if err := st.Insert(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		other := rec("T2", "x", "sha-x", t0)
		if err := st.Insert(ctx, other); err != nil {
			t.Fatal(err)
		}
		if err := st.Use(ctx, "T1", []string{"i2", "v1"}, "post:p1"); err != nil {
			t.Fatal(err)
		}
		ids := func(q Query) string {
			t.Helper()
			q.Limit = 10
			rs, err := st.List(ctx, "T1", q)
			if err != nil {
				t.Fatal(err)
			}
			s := ""
			for _, r := range rs {
				s += r.ID + " "
			}
			return s
		}
		for _, c := range []struct {
			q     Query
			want  string
			count int
		}{
			{Query{}, "i3 v2 i2 v1 i1 ", 5},
			{Query{Kind: KindImage}, "i3 i2 i1 ", 3},
			{Query{Kind: KindVideo}, "v2 v1 ", 2},
			{Query{Kind: KindImage, Unused: true}, "i3 i1 ", 2},
			{Query{Unused: true}, "i3 v2 i1 ", 3},
			{Query{Kind: KindImage, After: store.Cursor{CreatedAt: t0.Add(4 * time.Minute), ID: "i3"}}, "i2 i1 ", 3},
		} {
			if got := ids(c.q); got != c.want {
				t.Errorf("list %+v = %q, want %q", c.q, got, c.want)
			}
			if n, err := st.Count(ctx, "T1", c.q); err != nil || n != c.count {
				t.Errorf("count %+v = %d, %v; want %d", c.q, n, err, c.count)
			}
		}
		if n, err := st.Count(ctx, "T3", Query{}); err != nil || n != 0 {
			t.Errorf("count of a workspace with nothing = %d, %v", n, err)
		}
	})
}

// TestServiceCountAndKind: the service counts a workspace's files (all,
// unused, images, videos) for any role, lists by kind, and refuses a kind
// it does not know.
func TestServiceCountAndKind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	for seed := range uint8(3) {
		m, err := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(testmedia.Photo(t, 8, 8, seed))})
		if err != nil {
			t.Fatal(err)
		}
		if seed == 0 {
			if _, err := b.svc.Use(ctx, editor, []string{m.ID}, "library:l1"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n, err := b.svc.Count(ctx, viewer); err != nil || n != (Counts{Files: 3, Unused: 2, Images: 3}) {
		t.Errorf("count = %+v, %v", n, err)
	}
	if n, err := b.svc.Count(ctx, other); err != nil || n != (Counts{}) {
		t.Errorf("another workspace counts %+v, %v", n, err)
	}
	if p, err := b.svc.List(ctx, viewer, Filter{Kind: KindVideo}); err != nil || len(p.Items) != 0 {
		t.Errorf("videos = %+v, %v", p, err)
	}
	if p, err := b.svc.List(ctx, viewer, Filter{Kind: KindImage, Unused: true}); err != nil || len(p.Items) != 2 {
		t.Errorf("unused images = %+v, %v", p, err)
	}
	if _, err := b.svc.List(ctx, viewer, Filter{Kind: "audio"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("an unknown kind: %v", err)
	}
}
