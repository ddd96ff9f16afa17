package audit

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestRecordAndList(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		l := New(db, func() time.Time { at = at.Add(time.Second); return at })
		alice := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Admin, Door: identity.DoorAPI}
		bob := identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Editor, Door: identity.DoorSlash}
		other := identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Admin, Door: identity.DoorCLI}
		for _, r := range []struct {
			c              identity.Caller
			action, target string
		}{
			{alice, "account.connect", "twitter:@acme"},
			{bob, "account.disconnect", "facebook:Acme"},
			{other, "account.connect", "linkedin:Other"},
			{alice, "account.refresh_failed", "twitter:@acme"},
		} {
			if err := l.Record(ctx, r.c, r.action, r.target, "detail of "+r.action); err != nil {
				t.Fatal(err)
			}
		}
		all, err := l.List(ctx, alice, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || all[0].Action != "account.refresh_failed" || all[2].Action != "account.connect" {
			t.Fatalf("list = %+v; want T1's 3 entries newest first", all)
		}
		if e := all[1]; e.UserID != "U2" || e.Door != identity.DoorSlash || e.Target != "facebook:Acme" || !e.At.Equal(time.Date(2026, 3, 1, 9, 0, 2, 0, time.UTC)) {
			t.Fatalf("entry = %+v", e)
		}
		conn, err := l.List(ctx, alice, Filter{Action: "account.connect"})
		if err != nil || len(conn) != 1 || conn[0].WorkspaceID != "T1" {
			t.Fatalf("by action = %+v, %v", conn, err)
		}
		page, err := l.List(ctx, alice, Filter{Before: all[0].At, Limit: 1})
		if err != nil || len(page) != 1 || page[0].ID != all[1].ID {
			t.Fatalf("page = %+v, %v", page, err)
		}
		if _, err := l.List(ctx, bob, Filter{}); !errors.Is(err, identity.ErrForbidden) {
			t.Fatalf("editor listing: %v", err)
		}
		if err := l.Record(ctx, identity.Caller{}, "x", "", ""); err == nil {
			t.Fatal("a record without a workspace was accepted")
		}
	})
}
