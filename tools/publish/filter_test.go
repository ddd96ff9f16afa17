package publish

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// TestStoreListFilters is ListPosts' filters' conformance case, on both
// backends: a delivery's status and platform (one delivery matching both),
// the time window (scheduled time, else created time), paging and scoping.
func TestStoreListFilters(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		type target struct {
			p  platform.Name
			st Status
		}
		mk := func(ws string, created, scheduled time.Time, targets ...target) Post {
			p := testPost(ws, created)
			p.ScheduledAt = scheduled
			for i, tg := range targets {
				b := bodyFor(p.Content, p.Variants, tg.p, nil)
				p.Targets = append(p.Targets, Delivery{ID: newID(), WorkspaceID: ws, PostID: p.ID, AccountID: string(tg.p), Platform: tg.p,
					Body: b, TextHash: textHash(tg.p, b), Status: tg.st, Rev: 1, Position: i, RunAt: created, CreatedAt: created, UpdatedAt: created})
			}
			if err := st.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		a := mk("W1", t0, t0.Add(time.Hour), target{platform.Twitter, StatusPending})
		b := mk("W1", t0.Add(time.Minute), time.Time{}, target{platform.Twitter, StatusPublished}, target{platform.LinkedIn, StatusFailed})
		c := mk("W1", t0.Add(2*time.Minute), t0.Add(48*time.Hour), target{platform.LinkedIn, StatusPending})
		other := mk("W2", t0.Add(3*time.Minute), time.Time{}, target{platform.Twitter, StatusPublished})

		cases := []struct {
			name  string
			ws    string
			f     PostFilter
			limit int
			after Cursor
			want  []string
		}{
			{"published target", "W1", PostFilter{Status: StatusPublished}, 10, Cursor{}, []string{b.ID}},
			{"failed target", "W1", PostFilter{Status: StatusFailed}, 10, Cursor{}, []string{b.ID}},
			{"pending targets", "W1", PostFilter{Status: StatusPending}, 10, Cursor{}, []string{c.ID, a.ID}},
			{"pending, first page", "W1", PostFilter{Status: StatusPending}, 1, Cursor{}, []string{c.ID}},
			{"pending, next page", "W1", PostFilter{Status: StatusPending}, 1, Cursor{CreatedAt: c.CreatedAt, ID: c.ID}, []string{a.ID}},
			{"unconfirmed: none", "W1", PostFilter{Status: StatusUnconfirmed}, 10, Cursor{}, nil},
			{"on linkedin", "W1", PostFilter{Platform: platform.LinkedIn}, 10, Cursor{}, []string{c.ID, b.ID}},
			{"on facebook: none", "W1", PostFilter{Platform: platform.Facebook}, 10, Cursor{}, nil},
			{"published on twitter", "W1", PostFilter{Status: StatusPublished, Platform: platform.Twitter}, 10, Cursor{}, []string{b.ID}},
			{"published on linkedin: one target must match both", "W1", PostFilter{Status: StatusPublished, Platform: platform.LinkedIn}, 10, Cursor{}, nil},
			{"window: scheduled or sent-now created", "W1", PostFilter{From: t0, To: t0.Add(2 * time.Hour)}, 10, Cursor{}, []string{b.ID, a.ID}},
			{"window open at the end", "W1", PostFilter{From: t0.Add(time.Hour)}, 10, Cursor{}, []string{c.ID, a.ID}},
			{"window open at the start, end excluded", "W1", PostFilter{To: t0.Add(time.Hour)}, 10, Cursor{}, []string{b.ID}},
			{"window and status", "W1", PostFilter{Status: StatusPending, From: t0.Add(24 * time.Hour)}, 10, Cursor{}, []string{c.ID}},
			{"another workspace", "W2", PostFilter{Status: StatusPublished, Platform: platform.Twitter}, 10, Cursor{}, []string{other.ID}},
		}
		for _, tc := range cases {
			ps, err := st.ListPosts(ctx, tc.ws, tc.f, tc.limit, tc.after)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.ID)
				if len(p.Targets) == 0 {
					t.Fatalf("%s: post %s listed without its targets", tc.name, p.ID)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("%s: ListPosts = %v, want %v", tc.name, got, tc.want)
			}
		}

		// A target's status moves on: the filter follows it.
		d := a.Targets[0]
		d.Status, d.UpdatedAt = StatusPublished, t0.Add(time.Hour)
		if ok, err := st.SaveDeliveries(ctx, []Delivery{d}); err != nil || !ok[0] {
			t.Fatalf("SaveDeliveries = %v, %v", ok, err)
		}
		ps, err := st.ListPosts(ctx, "W1", PostFilter{Status: StatusPublished}, 10, Cursor{})
		if err != nil || len(ps) != 2 || ps[0].ID != b.ID || ps[1].ID != a.ID {
			t.Fatalf("published after the save = %d posts, %v; want b, a", len(ps), err)
		}
	})
}

// TestListOptions: List applies WithStatus, OnPlatform and Between, pages
// through the filtered posts with its cursor, and refuses bad values.
func TestListOptions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now, err := b.svc.PublishNow(ctx, b.editor, req("Now on X", "x1"))
	if err != nil || !now.Success {
		t.Fatalf("PublishNow = %+v, %v", now, err)
	}
	b.clock.Advance(time.Minute)
	later, err := b.svc.Schedule(ctx, b.editor, req("Later on LinkedIn", "li1"), t0.Add(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Minute)
	soon, err := b.svc.Schedule(ctx, b.editor, req("Soon on X", "x2"), t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	list := func(limit int, cursor string, opts ...ListOption) ([]string, string) {
		t.Helper()
		posts, next, err := b.svc.List(ctx, b.editor, limit, cursor, opts...)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, p := range posts {
			ids = append(ids, p.ID)
		}
		return ids, next
	}
	cases := []struct {
		name string
		opts []ListOption
		want []string
	}{
		{"published", []ListOption{WithStatus(StatusPublished)}, []string{now.PostID}},
		{"pending", []ListOption{WithStatus(StatusPending)}, []string{soon.PostID, later.PostID}},
		{"on twitter", []ListOption{OnPlatform(platform.Twitter)}, []string{soon.PostID, now.PostID}},
		{"pending on twitter", []ListOption{WithStatus(StatusPending), OnPlatform(platform.Twitter)}, []string{soon.PostID}},
		{"today", []ListOption{Between(t0, t0.Add(24*time.Hour))}, []string{soon.PostID, now.PostID}},
		{"in three days", []ListOption{Between(t0.Add(72*time.Hour), t0.Add(96*time.Hour))}, []string{later.PostID}},
	}
	for _, tc := range cases {
		if got, _ := list(10, "", tc.opts...); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: List = %v, want %v", tc.name, got, tc.want)
		}
	}
	first, next := list(1, "", WithStatus(StatusPending))
	second, last := list(1, next, WithStatus(StatusPending))
	if !reflect.DeepEqual(first, []string{soon.PostID}) || !reflect.DeepEqual(second, []string{later.PostID}) || next == "" || last != "" {
		t.Fatalf("pending pages = %v (next %q), %v (next %q); want soon, then later and the end", first, next, second, last)
	}

	bad := []struct {
		name string
		opt  ListOption
		want string
	}{
		{"overall status", WithStatus("scheduled"), `status "scheduled" is not one of pending`},
		{"unknown platform", OnPlatform("myspace"), `platform "myspace" is not one of`},
		{"window backwards", Between(t0.Add(time.Hour), t0), "the window must end after it starts"},
		{"empty window", Between(t0, t0), "the window must end after it starts"},
	}
	for _, tc := range bad {
		_, _, err := b.svc.List(ctx, b.editor, 10, "", tc.opt)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v; want ErrInvalid saying %q", tc.name, err, tc.want)
		}
	}
}
