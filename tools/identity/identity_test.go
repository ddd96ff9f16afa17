package identity_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func setup(t *testing.T, db *store.DB) (*identity.Service, identity.Store, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	st := identity.NewStore(db)
	return identity.NewService(st, clk.now), st, clk
}

// TestStoreConformance runs every case of identity.Store on both backends.
func TestStoreConformance(t *testing.T) {
	storetest.Run(t, []store.Schema{identity.Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, st, clk := setup(t, db)

		t.Run("workspace is created once, name filled later", func(t *testing.T) {
			w, err := st.EnsureWorkspace(ctx, identity.Workspace{ID: "T1", CreatedAt: clk.t})
			if err != nil || w.ID != "T1" || w.Name != "" || !w.CreatedAt.Equal(clk.t) {
				t.Fatalf("first ensure = %+v, %v", w, err)
			}
			w, err = st.EnsureWorkspace(ctx, identity.Workspace{ID: "T1", Name: "Acme", CreatedAt: clk.t.Add(time.Hour)})
			if err != nil || w.Name != "Acme" || !w.CreatedAt.Equal(clk.t) {
				t.Fatalf("second ensure = %+v, %v; want name filled, creation time kept", w, err)
			}
			w, _ = st.EnsureWorkspace(ctx, identity.Workspace{ID: "T1", Name: "Other"})
			if w.Name != "Acme" {
				t.Fatalf("a later name replaced the stored one: %q", w.Name)
			}
		})

		t.Run("user is created once and keeps its role", func(t *testing.T) {
			u, err := st.EnsureUser(ctx, identity.User{WorkspaceID: "T1", ID: "U1", DisplayName: "Ana", TimeZone: "Europe/Berlin", Role: identity.Editor, CreatedAt: clk.t})
			if err != nil || u.Role != identity.Editor || u.TimeZone != "Europe/Berlin" || u.DisplayName != "Ana" {
				t.Fatalf("ensure = %+v, %v", u, err)
			}
			u, err = st.EnsureUser(ctx, identity.User{WorkspaceID: "T1", ID: "U1", Role: identity.Viewer, CreatedAt: clk.t})
			if err != nil || u.Role != identity.Editor {
				t.Fatalf("second ensure changed the user: %+v, %v", u, err)
			}
			if _, err := st.GetUser(ctx, "T2", "U1"); !errors.Is(err, identity.ErrNotFound) {
				t.Fatalf("user of another workspace: err = %v, want ErrNotFound", err)
			}
		})

		t.Run("a profile learnt later fills an empty one", func(t *testing.T) {
			if _, err := st.EnsureUser(ctx, identity.User{WorkspaceID: "T1", ID: "U2", Role: identity.Viewer, CreatedAt: clk.t}); err != nil {
				t.Fatal(err)
			}
			u, err := st.EnsureUser(ctx, identity.User{WorkspaceID: "T1", ID: "U2", DisplayName: "Bo", TimeZone: "Asia/Tokyo", Role: identity.Admin, CreatedAt: clk.t})
			if err != nil || u.DisplayName != "Bo" || u.TimeZone != "Asia/Tokyo" || u.Role != identity.Viewer {
				t.Fatalf("ensure with a profile = %+v, %v; want name and zone filled, role kept", u, err)
			}
			u, _ = st.EnsureUser(ctx, identity.User{WorkspaceID: "T1", ID: "U2", DisplayName: "Other", TimeZone: "UTC", Role: identity.Viewer})
			if u.DisplayName != "Bo" || u.TimeZone != "Asia/Tokyo" {
				t.Fatalf("a later profile replaced the stored one: %+v", u)
			}
		})

		t.Run("users of a workspace by id, and the workspace", func(t *testing.T) {
			if _, err := st.EnsureWorkspace(ctx, identity.Workspace{ID: "T3", CreatedAt: clk.t}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.EnsureUser(ctx, identity.User{WorkspaceID: "T3", ID: "U1", DisplayName: "Not Ana", Role: identity.Editor, CreatedAt: clk.t}); err != nil {
				t.Fatal(err)
			}
			got, err := st.Users(ctx, "T1", []string{"U1", "U2", "U-unknown"})
			if err != nil || len(got) != 2 {
				t.Fatalf("users = %+v, %v; want U1 and U2 of T1", got, err)
			}
			byID := map[string]identity.User{}
			for _, u := range got {
				byID[u.ID] = u
			}
			if byID["U1"].DisplayName != "Ana" || byID["U1"].WorkspaceID != "T1" || byID["U2"].DisplayName != "Bo" || byID["U2"].Role != identity.Viewer {
				t.Fatalf("users = %+v", byID)
			}
			if got, err := st.Users(ctx, "T1", nil); err != nil || len(got) != 0 {
				t.Fatalf("no ids: %+v, %v", got, err)
			}
			if got, err := st.Users(ctx, "T9", []string{"U1"}); err != nil || len(got) != 0 {
				t.Fatalf("a workspace without them: %+v, %v", got, err)
			}
			w, err := st.GetWorkspace(ctx, "T1")
			if err != nil || w.Name != "Acme" || !w.CreatedAt.Equal(clk.t) {
				t.Fatalf("workspace = %+v, %v", w, err)
			}
			if _, err := st.GetWorkspace(ctx, "T-none"); !errors.Is(err, identity.ErrNotFound) {
				t.Fatalf("unknown workspace: err = %v, want ErrNotFound", err)
			}
		})

		t.Run("tokens: create, find, list by workspace, touch, revoke", func(t *testing.T) {
			if _, err := st.EnsureWorkspace(ctx, identity.Workspace{ID: "T2", CreatedAt: clk.t}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.EnsureUser(ctx, identity.User{WorkspaceID: "T2", ID: "U9", Role: identity.Admin, CreatedAt: clk.t}); err != nil {
				t.Fatal(err)
			}
			a := identity.Token{ID: "tok-a", WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Hash: "h-a", Prefix: "mm_aaaa", CreatedAt: clk.t}
			b := identity.Token{ID: "tok-b", WorkspaceID: "T2", UserID: "U9", Role: identity.Admin, Hash: "h-b", Prefix: "mm_bbbb", CreatedAt: clk.t}
			for _, tok := range []identity.Token{a, b} {
				if err := st.CreateToken(ctx, tok); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.CreateToken(ctx, identity.Token{ID: "tok-c", WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Hash: "h-a", Prefix: "x", CreatedAt: clk.t}); err == nil {
				t.Fatal("a second token with the same hash was stored")
			}
			got, err := st.TokenByHash(ctx, "h-a")
			if err != nil || got.ID != "tok-a" || got.Role != identity.Editor || !got.CreatedAt.Equal(clk.t) || !got.LastUsedAt.IsZero() || !got.RevokedAt.IsZero() {
				t.Fatalf("by hash = %+v, %v", got, err)
			}
			if _, err := st.TokenByHash(ctx, "nope"); !errors.Is(err, identity.ErrNotFound) {
				t.Fatalf("unknown hash: err = %v", err)
			}
			list, err := st.ListTokens(ctx, "T1")
			if err != nil || len(list) != 1 || list[0].ID != "tok-a" {
				t.Fatalf("list T1 = %+v, %v; want only tok-a", list, err)
			}
			used := clk.t.Add(5 * time.Minute)
			if err := st.TouchToken(ctx, "tok-a", used); err != nil {
				t.Fatal(err)
			}
			if err := st.TouchToken(ctx, "tok-a", clk.t); err != nil { // older: ignored
				t.Fatal(err)
			}
			if got, _ := st.TokenByHash(ctx, "h-a"); !got.LastUsedAt.Equal(used) {
				t.Fatalf("last used = %v, want %v", got.LastUsedAt, used)
			}
			rev, err := st.RevokeToken(ctx, "tok-a", used)
			if err != nil || !rev.RevokedAt.Equal(used) {
				t.Fatalf("revoke = %+v, %v", rev, err)
			}
			if _, err := st.RevokeToken(ctx, "tok-a", used); !errors.Is(err, identity.ErrNotFound) {
				t.Fatalf("second revoke: err = %v, want ErrNotFound", err)
			}
		})
	})
}

func TestAuthenticate(t *testing.T) {
	storetest.Run(t, []store.Schema{identity.Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, st, clk := setup(t, db)
		created, err := svc.CreateToken(ctx, "T1", "U1", identity.Editor, "ci")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(created.Token, "mm_") || len(created.Token) != 43 {
			t.Fatalf("token %q: want mm_ and 40 characters", created.Token)
		}
		if created.Record.Hash == created.Token || strings.Contains(created.Record.Hash, created.Token[3:]) {
			t.Fatal("the stored record holds the token")
		}
		c, err := svc.Authenticate(ctx, created.Token)
		if err != nil || c.WorkspaceID != "T1" || c.UserID != "U1" || c.Role != identity.Editor || c.TokenID != created.Record.ID {
			t.Fatalf("authenticate = %+v, %v", c, err)
		}
		if u, err := svc.User(ctx, "T1", "U1"); err != nil || u.Role != identity.Editor {
			t.Fatalf("user created with the token = %+v, %v", u, err)
		}
		if got, _ := st.TokenByHash(ctx, created.Record.Hash); !got.LastUsedAt.Equal(clk.t) {
			t.Fatalf("last used = %v, want %v", got.LastUsedAt, clk.t)
		}

		for name, tok := range map[string]string{
			"empty":         "",
			"no prefix":     "abc",
			"short":         "mm_abc",
			"bad character": "mm_" + strings.Repeat("!", 40),
			"too long":      "mm_" + strings.Repeat("A", 41),
			"not ASCII":     "mm_" + strings.Repeat("é", 20),
			"other prefix":  "xx_" + strings.Repeat("A", 40),
			"slash":         "mm_" + strings.Repeat("A", 39) + "/",
			"colon":         "mm_" + strings.Repeat("A", 39) + ":",
			"at":            "mm_" + strings.Repeat("A", 39) + "@",
			"bracket":       "mm_" + strings.Repeat("A", 39) + "[",
			"backquote":     "mm_" + strings.Repeat("A", 39) + "`",
			"brace":         "mm_" + strings.Repeat("A", 39) + "{",
		} {
			if _, err := svc.Authenticate(ctx, tok); !errors.Is(err, identity.ErrMalformedToken) {
				t.Errorf("%s: err = %v, want ErrMalformedToken", name, err)
			}
		}
		if _, err := svc.Authenticate(ctx, "mm_"+strings.Repeat("A", 40)); !errors.Is(err, identity.ErrInvalidToken) {
			t.Errorf("unknown token: err = %v, want ErrInvalidToken", err)
		}
		if _, err := svc.RevokeToken(ctx, created.Record.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, created.Token); !errors.Is(err, identity.ErrInvalidToken) {
			t.Errorf("revoked token: err = %v, want ErrInvalidToken", err)
		}
		if _, err := svc.CreateToken(ctx, "T1", "U1", "owner", ""); err == nil {
			t.Error("a token with an unknown role was created")
		}
	})
}

func TestEnsureUser(t *testing.T) {
	storetest.Run(t, []store.Schema{identity.Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, _, clk := setup(t, db)
		u, err := svc.EnsureUser(ctx, identity.User{WorkspaceID: "T9", ID: "U1", DisplayName: "Ana", TimeZone: "Europe/Berlin", Role: identity.Admin})
		if err != nil || u.Role != identity.Admin || u.DisplayName != "Ana" || u.TimeZone != "Europe/Berlin" || !u.CreatedAt.Equal(clk.t) {
			t.Fatalf("first ensure = %+v, %v", u, err)
		}
		u, err = svc.EnsureUser(ctx, identity.User{WorkspaceID: "T9", ID: "U1", DisplayName: "Other", Role: identity.Viewer})
		if err != nil || u.Role != identity.Admin || u.DisplayName != "Ana" {
			t.Fatalf("second ensure = %+v, %v; want the stored user kept", u, err)
		}
		for name, bad := range map[string]identity.User{
			"no workspace": {ID: "U1", Role: identity.Editor},
			"no user":      {WorkspaceID: "T9", Role: identity.Editor},
			"unknown role": {WorkspaceID: "T9", ID: "U2", Role: "owner"},
		} {
			if _, err := svc.EnsureUser(ctx, bad); err == nil {
				t.Errorf("%s: ensured", name)
			}
		}
		if _, err := svc.User(ctx, "T9", "U2"); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("a refused user was stored: %v", err)
		}
	})
}

func TestNames(t *testing.T) {
	storetest.Run(t, []store.Schema{identity.Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, _, _ := setup(t, db)
		for _, u := range []identity.User{
			{WorkspaceID: "T1", ID: "U1", DisplayName: "Ana", Role: identity.Admin},
			{WorkspaceID: "T1", ID: "U2", Role: identity.Editor}, // no name known
			{WorkspaceID: "T2", ID: "U3", DisplayName: "Cy", Role: identity.Editor},
		} {
			if _, err := svc.EnsureUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		got, err := svc.Names(ctx, "T1", []string{"U1", "U2", "U3", "U1", "", "U-none"})
		if err != nil || len(got) != 1 || got["U1"] != "Ana" {
			t.Fatalf("names = %v, %v; want only U1: Ana (U2 has no name, U3 is of another workspace)", got, err)
		}
		if _, err := svc.NameWorkspace(ctx, "T1", "Acme"); err != nil {
			t.Fatal(err)
		}
		if w, err := svc.Workspace(ctx, "T1"); err != nil || w.Name != "Acme" {
			t.Fatalf("named workspace = %+v, %v", w, err)
		}
		if _, err := svc.NameWorkspace(ctx, "", "Nobody"); err == nil {
			t.Fatal("a workspace without an id was named")
		}
		many := make([]string, 501)
		for i := range many {
			many[i] = fmt.Sprintf("U%d", i)
		}
		if _, err := svc.Names(ctx, "T1", many); err == nil {
			t.Fatal("501 names at once were read")
		}
	})
}

func TestRoles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		role, min identity.Role
		ok        bool
	}{
		{identity.Admin, identity.Editor, true},
		{identity.Editor, identity.Editor, true},
		{identity.Viewer, identity.Editor, false},
		{identity.Viewer, identity.Viewer, true},
		{identity.Editor, identity.Admin, false},
		{"", identity.Viewer, false},
	} {
		err := identity.Caller{Role: tc.role}.Require(tc.min)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, identity.ErrForbidden)) {
			t.Errorf("%q requires %q: err = %v, want ok=%v", tc.role, tc.min, err, tc.ok)
		}
	}
}

func BenchmarkAuthenticate(b *testing.B) {
	db := storetest.Open(b, store.SQLite, identity.Schema)
	svc := identity.NewService(identity.NewStore(db), time.Now)
	ctx := context.Background()
	created, err := svc.CreateToken(ctx, "T1", "U1", identity.Editor, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := svc.Authenticate(ctx, created.Token); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
