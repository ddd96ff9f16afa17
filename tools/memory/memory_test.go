package memory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var (
	t0     = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	editor = identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAgent}
	viewer = identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Viewer, Door: identity.DoorAgent}
)

// TestStore is the conformance suite, on SQLite and MongoDB.
func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		put := func(it Item) {
			t.Helper()
			if err := st.Put(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		put(Item{WorkspaceID: "T1", Key: "brand_voice", Value: "warm", UpdatedBy: "U1", UpdatedAt: t0})
		put(Item{WorkspaceID: "T1", Key: "brand_voice", Value: "warm and witty", UpdatedBy: "U2", UpdatedAt: t0.Add(time.Minute)})
		put(Item{WorkspaceID: "T1", Key: "audience", Value: "bakers", UpdatedBy: "U1", UpdatedAt: t0})
		put(Item{WorkspaceID: "T2", Key: "brand_voice", Value: "formal", UpdatedBy: "U9", UpdatedAt: t0})
		put(Item{WorkspaceID: "T1", UserID: "U1", Key: "tone", Value: "short", UpdatedBy: "U1", UpdatedAt: t0})
		put(Item{WorkspaceID: "T1", UserID: "U2", Key: "tone", Value: "long", UpdatedBy: "U2", UpdatedAt: t0})

		got, err := st.List(ctx, "T1", "")
		if err != nil {
			t.Fatal(err)
		}
		if s := summary(got); s != "audience=bakers brand_voice=warm and witty" {
			t.Fatalf("workspace memory = %s", s)
		}
		for _, it := range got {
			if it.Key == "brand_voice" && (it.UpdatedBy != "U2" || !it.UpdatedAt.Equal(t0.Add(time.Minute)) || it.Scope != Workspace) {
				t.Fatalf("replaced note = %+v", it)
			}
		}
		mine, err := st.List(ctx, "T1", "U1")
		if err != nil {
			t.Fatal(err)
		}
		if s := summary(mine); s != "tone=short" || mine[0].Scope != User || mine[0].UserID != "U1" {
			t.Fatalf("user memory = %s %+v", s, mine)
		}
		none, err := st.List(ctx, "T3", "")
		if err != nil || len(none) != 0 {
			t.Fatalf("other workspace = %v, %v", none, err)
		}
	})
}

func summary(items []Item) string {
	parts := make([]string, 0, len(items))
	for _, it := range items {
		parts = append(parts, it.Key+"="+it.Value)
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

func newService(t *testing.T) *Service {
	t.Helper()
	return New(NewStore(storetest.Open(t, store.SQLite, Schema)), func() time.Time { return t0 })
}

func TestRememberRecall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newService(t)
	if _, err := s.Remember(ctx, editor, Note{Scope: Workspace, Key: "Brand Voice", Value: "  Warm, witty, no jargon "}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remember(ctx, viewer, Note{Scope: User, Key: "tone", Value: "emoji welcome"}); err != nil {
		t.Fatal(err)
	}
	all, err := s.Recall(ctx, viewer, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Key != "brand_voice" || all[0].Value != "Warm, witty, no jargon" || all[1].Key != "tone" || all[1].UpdatedBy != "U2" {
		t.Fatalf("recall = %+v", all)
	}
	// The editor does not see the viewer's own notes.
	theirs, err := s.Recall(ctx, editor, User, "")
	if err != nil || len(theirs) != 0 {
		t.Fatalf("editor's user memory = %+v, %v", theirs, err)
	}
	found, err := s.Recall(ctx, viewer, "", "JARGON")
	if err != nil || len(found) != 1 || found[0].Key != "brand_voice" {
		t.Fatalf("query = %+v, %v", found, err)
	}
	byKey, err := s.Recall(ctx, viewer, Workspace, "brand voice")
	if err != nil || len(byKey) != 1 {
		t.Fatalf("query by topic = %+v, %v", byKey, err)
	}
}

func TestRememberErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newService(t)
	cases := []struct {
		name string
		c    identity.Caller
		n    Note
		want error
		text string
	}{
		{"viewer writes workspace memory", viewer, Note{Scope: Workspace, Key: "k", Value: "v"}, identity.ErrForbidden, "editor"},
		{"unknown scope", editor, Note{Scope: "team", Key: "k", Value: "v"}, ErrInvalid, `"team"`},
		{"no key", editor, Note{Scope: User, Key: "  ", Value: "v"}, ErrInvalid, "topic"},
		{"bad key", editor, Note{Scope: User, Key: "a/b", Value: "v"}, ErrInvalid, "letters"},
		{"long key", editor, Note{Scope: User, Key: strings.Repeat("k", MaxKeyLen+1), Value: "v"}, ErrInvalid, "at most 64"},
		{"empty value", editor, Note{Scope: User, Key: "k", Value: " "}, ErrInvalid, "nothing to remember"},
		{"long value", editor, Note{Scope: User, Key: "k", Value: strings.Repeat("v", MaxValueLen+1)}, ErrInvalid, "at most 2000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Remember(ctx, tc.c, tc.n)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("err = %v, want %v with %q", err, tc.want, tc.text)
			}
		})
	}
	if _, err := s.Recall(ctx, editor, "team", ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("recall of an unknown scope: %v", err)
	}
	if got, _ := s.Recall(ctx, editor, "", ""); len(got) != 0 {
		t.Fatalf("a refused note was kept: %+v", got)
	}
}

func TestRememberFull(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newService(t)
	for i := range MaxItems {
		if _, err := s.Remember(ctx, editor, Note{Scope: User, Key: fmt.Sprintf("k%d", i), Value: "v"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Remember(ctx, editor, Note{Scope: User, Key: "one_more", Value: "v"}); !errors.Is(err, ErrFull) {
		t.Fatalf("err = %v, want ErrFull", err)
	}
	// Replacing a note is still possible.
	if it, err := s.Remember(ctx, editor, Note{Scope: User, Key: "k0", Value: "new"}); err != nil || it.Value != "new" {
		t.Fatalf("replace when full = %+v, %v", it, err)
	}
}
