package groups

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
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var t0 = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

func TestStoreConformance(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		g := Group{WorkspaceID: "T1", Name: "Acme Outdoor", AccountIDs: []string{"li2", "x1"}, UpdatedBy: "U1", UpdatedAt: t0}
		if err := st.Save(ctx, "acme outdoor", g); err != nil {
			t.Fatal(err)
		}
		if got, err := st.Get(ctx, "T1", "acme outdoor"); err != nil || !reflect.DeepEqual(got, g) {
			t.Fatalf("get = %+v, %v; want %+v", got, err, g)
		}
		if _, err := st.Get(ctx, "T2", "acme outdoor"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another workspace reads it: %v", err)
		}
		// Saving the same key replaces it.
		g2 := g
		g2.Name, g2.AccountIDs, g2.UpdatedAt = "ACME Outdoor", []string{"ig1"}, t0.Add(time.Minute)
		if err := st.Save(ctx, "acme outdoor", g2); err != nil {
			t.Fatal(err)
		}
		other := Group{WorkspaceID: "T1", Name: "Beans", AccountIDs: []string{"x1"}, UpdatedAt: t0}
		if err := st.Save(ctx, "beans", other); err != nil {
			t.Fatal(err)
		}
		if err := st.Save(ctx, "beans", Group{WorkspaceID: "T2", Name: "Beans", AccountIDs: []string{"x9"}, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		list, err := st.List(ctx, "T1")
		if err != nil || len(list) != 2 || !reflect.DeepEqual(list[0], g2) || list[1].Name != "Beans" {
			t.Fatalf("list = %+v, %v", list, err)
		}
		if ok, err := st.Delete(ctx, "T2", "acme outdoor"); ok || err != nil {
			t.Fatalf("deleted across workspaces: %v %v", ok, err)
		}
		if ok, err := st.Delete(ctx, "T1", "acme outdoor"); !ok || err != nil {
			t.Fatalf("delete = %v %v", ok, err)
		}
		if list, _ := st.List(ctx, "T1"); len(list) != 1 {
			t.Fatalf("after delete = %+v", list)
		}
		// Insert refuses a key in use, in its workspace only.
		if err := st.Insert(ctx, "beans", Group{WorkspaceID: "T1", Name: "BEANS", AccountIDs: []string{"x2"}, UpdatedAt: t0}); !errors.Is(err, ErrNameInUse) {
			t.Fatalf("insert over beans: %v", err)
		}
		if got, _ := st.Get(ctx, "T1", "beans"); got.Name != "Beans" || !reflect.DeepEqual(got.AccountIDs, []string{"x1"}) {
			t.Fatalf("the refused insert changed beans: %+v", got)
		}
		fresh := Group{WorkspaceID: "T3", Name: "Beans", AccountIDs: []string{"x3"}, UpdatedBy: "U3", UpdatedAt: t0}
		if err := st.Insert(ctx, "beans", fresh); err != nil {
			t.Fatalf("insert in T3: %v", err)
		}
		if got, err := st.Get(ctx, "T3", "beans"); err != nil || !reflect.DeepEqual(got, fresh) {
			t.Fatalf("T3's beans = %+v, %v", got, err)
		}
		if list, _ := st.List(ctx, "T9"); list == nil || len(list) != 0 {
			t.Fatalf("nobody's list = %#v, want empty", list)
		}
	})
}

type dir struct{}

func (dir) List(_ context.Context, c identity.Caller, _ platform.Name) ([]accounts.Account, error) {
	if c.WorkspaceID != "T1" {
		return nil, nil
	}
	return []accounts.Account{{ID: "li2", Platform: platform.LinkedIn, AccountName: "Acme Outdoor", Kind: "organization", Status: accounts.StatusConnected},
		{ID: "x1", Platform: platform.Twitter, AccountName: "Acme", Handle: "acme", Status: accounts.StatusConnected}}, nil
}

func TestService(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := New(NewStore(storetest.Open(t, store.SQLite, Schema)), dir{}, func() time.Time { return t0 })
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor}
	viewer := identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Viewer}
	if _, err := s.Save(ctx, viewer, "Acme", []string{"x1"}); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("viewer saved: %v", err)
	}
	for _, tc := range []struct {
		name string
		ids  []string
	}{{"  ", []string{"x1"}}, {"Acme", nil}, {"Acme", []string{"x9"}}} {
		if _, err := s.Save(ctx, editor, tc.name, tc.ids); !errors.Is(err, ErrInvalid) {
			t.Errorf("save %q %v: %v", tc.name, tc.ids, err)
		}
	}
	if _, err := s.Save(ctx, identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Editor}, "Acme", []string{"x1"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("T2 grouped T1's account: %v", err)
	}
	if g, err := s.Save(ctx, editor, " Acme Outdoor ", []string{"li2", "x1", "li2"}); err != nil || g.Name != "Acme Outdoor" || len(g.AccountIDs) != 2 {
		t.Fatalf("save = %+v, %v", g, err)
	}
	if ids, ok, err := s.Members(ctx, viewer, "acme OUTDOOR"); err != nil || !ok || !reflect.DeepEqual(ids, []string{"li2", "x1"}) {
		t.Fatalf("members = %v %v %v", ids, ok, err)
	}
	if _, ok, _ := s.Members(ctx, identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Editor}, "acme outdoor"); ok {
		t.Fatal("T2 sees T1's group")
	}
	// Lists name each account as people know it.
	list, err := s.List(ctx, viewer)
	want := []Member{{AccountID: "li2", Platform: platform.LinkedIn, Name: "Acme Outdoor", Kind: "organization", Status: accounts.StatusConnected},
		{AccountID: "x1", Platform: platform.Twitter, Name: "Acme", Handle: "acme", Status: accounts.StatusConnected}}
	if err != nil || len(list) != 1 || !reflect.DeepEqual(list[0].Accounts, want) {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if _, err := s.Delete(ctx, viewer, "acme outdoor"); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("viewer deleted: %v", err)
	}
	if d, err := s.Delete(ctx, editor, "ACME outdoor"); err != nil || d.Name != "Acme Outdoor" {
		t.Fatalf("delete = %+v, %v", d, err)
	}
	var rf *Refusal
	if _, err := s.Delete(ctx, editor, "acme outdoor"); !errors.Is(err, ErrNotFound) || !errors.As(err, &rf) || rf.Words != `there is no group called "acme outdoor" in this workspace` {
		t.Fatalf("second delete: %v", err)
	}
}

// Create refuses a name in use in any case, and names the group there is;
// a platform's name is no group's name.
func TestCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := New(NewStore(storetest.Open(t, store.SQLite, Schema)), dir{}, func() time.Time { return t0 })
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor}
	if g, err := s.Create(ctx, editor, "Acme brand", []string{"x1"}); err != nil || g.Accounts[0].Name != "Acme" {
		t.Fatalf("create = %+v, %v", g, err)
	}
	var rf *Refusal
	_, err := s.Create(ctx, editor, "ACME BRAND", []string{"li2"})
	if !errors.Is(err, ErrNameInUse) || !errors.As(err, &rf) || rf.Words != `there is a group called "Acme brand" already` {
		t.Fatalf("create over it: %v", err)
	}
	if ids, _, _ := s.Members(ctx, editor, "acme brand"); !reflect.DeepEqual(ids, []string{"x1"}) {
		t.Fatalf("the refused create changed it: %v", ids)
	}
	for _, name := range []string{"X", "linkedin", " Facebook "} {
		if _, err := s.Save(ctx, editor, name, []string{"x1"}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "platform's name") {
			t.Errorf("save %q: %v", name, err)
		}
	}
}
