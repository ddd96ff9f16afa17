package identity_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestCallerTokens(t *testing.T) {
	storetest.Run(t, []store.Schema{identity.Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := identity.NewService(identity.NewStore(db), time.Now)
		admin := identity.Caller{WorkspaceID: "T1", UserID: "U-a", Role: identity.Admin}
		for _, tc := range []struct {
			name string
			c    identity.Caller
			role identity.Role
			want error
			msg  string
		}{
			{"", admin, identity.Viewer, identity.ErrInvalidRequest, "name the token"},
			{strings.Repeat("n", 101), admin, identity.Viewer, identity.ErrInvalidRequest, "longer than 100"},
			{"script", admin, "owner", identity.ErrInvalidRequest, "owner"},
			{"script", identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor}, identity.Viewer, identity.ErrForbidden, "admin"},
		} {
			if _, err := svc.IssueToken(ctx, tc.c, tc.name, tc.role); !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("IssueToken(%q, %s) = %v, want %v saying %q", tc.name, tc.role, err, tc.want, tc.msg)
			}
		}
		created, err := svc.IssueToken(ctx, admin, " reporting script ", identity.Viewer)
		if err != nil || !strings.HasPrefix(created.Token, identity.TokenPrefix) || created.Record.Name != "reporting script" {
			t.Fatalf("IssueToken = %+v, %v", created.Record, err)
		}
		c, err := svc.Authenticate(ctx, created.Token)
		if err != nil || c.UserID != "U-a" || c.Role != identity.Viewer || c.WorkspaceID != "T1" {
			t.Fatalf("the issued token authenticates as %+v, %v; want U-a, viewer, T1", c, err)
		}
		other := identity.Caller{WorkspaceID: "T2", UserID: "U-o", Role: identity.Admin}
		if list, err := svc.WorkspaceTokens(ctx, other); err != nil || len(list) != 0 {
			t.Fatalf("T2 lists %d tokens (%v)", len(list), err)
		}
		if _, err := svc.RevokeWorkspaceToken(ctx, other, created.Record.ID); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("T2 revoking T1's token = %v, want ErrNotFound", err)
		}
		if _, err := svc.Authenticate(ctx, created.Token); err != nil {
			t.Fatalf("the token stopped working after a refused revoke: %v", err)
		}
		if tok, err := svc.RevokeWorkspaceToken(ctx, admin, created.Record.ID); err != nil || tok.RevokedAt.IsZero() {
			t.Fatalf("revoke = %+v, %v", tok, err)
		}
		if _, err := svc.Authenticate(ctx, created.Token); !errors.Is(err, identity.ErrInvalidToken) {
			t.Fatalf("a revoked token authenticates: %v", err)
		}
		if _, err := svc.RevokeWorkspaceToken(ctx, admin, created.Record.ID); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("revoking twice = %v, want ErrNotFound", err)
		}
	})
}
