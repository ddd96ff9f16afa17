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

// TestSessionStoreConformance runs every case of identity.SessionStore on both backends.
func TestSessionStoreConformance(t *testing.T) {
	storetest.Run(t, []store.Schema{identity.Schema, identity.SessionSchema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := identity.NewSessionStore(db)
		t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

		t.Run("a link is consumed once, before it expires", func(t *testing.T) {
			l := identity.LoginLink{Hash: "h1", WorkspaceID: "T1", UserID: "U1", CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)}
			if err := st.CreateLoginLink(ctx, l); err != nil {
				t.Fatal(err)
			}
			got, err := st.ConsumeLoginLink(ctx, "h1", t0.Add(time.Minute))
			if err != nil || got.WorkspaceID != "T1" || got.UserID != "U1" || !got.UsedAt.Equal(t0.Add(time.Minute)) || !got.ExpiresAt.Equal(l.ExpiresAt) {
				t.Fatalf("consume = %+v, %v", got, err)
			}
			if _, err := st.ConsumeLoginLink(ctx, "h1", t0.Add(2*time.Minute)); !errors.Is(err, identity.ErrLinkUsed) {
				t.Fatalf("second consume: err = %v, want ErrLinkUsed", err)
			}
			if _, err := st.ConsumeLoginLink(ctx, "nope", t0); !errors.Is(err, identity.ErrNotFound) {
				t.Fatalf("unknown link: err = %v, want ErrNotFound", err)
			}
			if err := st.CreateLoginLink(ctx, identity.LoginLink{Hash: "h2", WorkspaceID: "T1", UserID: "U1", CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.ConsumeLoginLink(ctx, "h2", t0.Add(10*time.Minute)); !errors.Is(err, identity.ErrLinkExpired) {
				t.Fatalf("expired link: err = %v, want ErrLinkExpired", err)
			}
		})

		t.Run("sessions: create, find, end once", func(t *testing.T) {
			s := identity.Session{ID: "s1", Hash: "sh1", WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Via: "token", TokenID: "tok",
				CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
			if err := st.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			if err := st.CreateSession(ctx, identity.Session{ID: "s2", Hash: "sh1", WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer, Via: "link", CreatedAt: t0, ExpiresAt: t0}); err == nil {
				t.Fatal("a second session with the same hash was stored")
			}
			got, err := st.SessionByHash(ctx, "sh1")
			if err != nil || got != s {
				t.Fatalf("by hash = %+v, %v; want %+v", got, err, s)
			}
			if _, err := st.SessionByHash(ctx, "none"); !errors.Is(err, identity.ErrNotFound) {
				t.Fatalf("unknown session: err = %v", err)
			}
			if err := st.EndSession(ctx, "sh1", t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			if got, _ := st.SessionByHash(ctx, "sh1"); !got.EndedAt.Equal(t0.Add(time.Minute)) {
				t.Fatalf("ended at = %v", got.EndedAt)
			}
			if err := st.EndSession(ctx, "sh1", t0.Add(2*time.Minute)); !errors.Is(err, identity.ErrNotFound) {
				t.Fatalf("second end: err = %v, want ErrNotFound", err)
			}
		})

		t.Run("purge deletes only what expired", func(t *testing.T) {
			if err := st.CreateSession(ctx, identity.Session{ID: "s3", Hash: "sh3", WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer, Via: "link",
				CreatedAt: t0, ExpiresAt: t0.Add(48 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			n, err := st.PurgeExpired(ctx, t0.Add(2*time.Hour))
			if err != nil || n != 3 { // links h1, h2 and session sh1
				t.Fatalf("purge = %d, %v; want 3", n, err)
			}
			if _, err := st.SessionByHash(ctx, "sh3"); err != nil {
				t.Fatalf("a live session was purged: %v", err)
			}
		})
	})
}

func TestSignIn(t *testing.T) {
	storetest.Run(t, []store.Schema{identity.Schema, identity.SessionSchema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids, _, clk := setup(t, db)
		ss := identity.NewSessions(identity.NewSessionStore(db), ids, clk.now)

		code, link, err := ss.CreateLink(ctx, "T1", "U1", identity.Viewer)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(code, identity.LinkPrefix) || strings.Contains(link.Hash, code[4:]) || !link.ExpiresAt.Equal(clk.t.Add(identity.LinkTTL)) {
			t.Fatalf("link %q / %+v", code, link)
		}
		started, err := ss.SignInWithLink(ctx, code)
		if err != nil || started.Session.Role != identity.Viewer || started.Session.Via != "link" || !strings.HasPrefix(started.Secret, identity.SessionPrefix) {
			t.Fatalf("sign in = %+v, %v", started, err)
		}
		if _, err := ss.SignInWithLink(ctx, code); !errors.Is(err, identity.ErrLinkUsed) {
			t.Fatalf("reuse: err = %v, want ErrLinkUsed", err)
		}
		c, sess, err := ss.Resolve(ctx, started.Secret)
		if err != nil || c.WorkspaceID != "T1" || c.UserID != "U1" || c.Role != identity.Viewer || c.Door != identity.DoorDashboard || sess.ID != started.Session.ID {
			t.Fatalf("resolve = %+v, %+v, %v", c, sess, err)
		}

		// An existing user keeps their role; the link does not promote.
		if _, err := ids.CreateToken(ctx, "T1", "U2", identity.Editor, ""); err != nil {
			t.Fatal(err)
		}
		code2, _, err := ss.CreateLink(ctx, "T1", "U2", identity.Admin)
		if err != nil {
			t.Fatal(err)
		}
		if s2, err := ss.SignInWithLink(ctx, code2); err != nil || s2.Session.Role != identity.Editor {
			t.Fatalf("existing user: %+v, %v; want the stored editor role", s2.Session, err)
		}

		code3, _, _ := ss.CreateLink(ctx, "T1", "U1", identity.Viewer)
		clk.t = clk.t.Add(identity.LinkTTL)
		if _, err := ss.SignInWithLink(ctx, code3); !errors.Is(err, identity.ErrLinkExpired) {
			t.Fatalf("expired link: err = %v", err)
		}
		for name, bad := range map[string]string{"empty": "", "token-shaped": "mm_" + strings.Repeat("a", 40), "unknown": identity.LinkPrefix + strings.Repeat("a", 40)} {
			if _, err := ss.SignInWithLink(ctx, bad); !errors.Is(err, identity.ErrLinkInvalid) {
				t.Errorf("%s link: err = %v, want ErrLinkInvalid", name, err)
			}
		}

		// A pasted token gives its role; a bad one is refused.
		tok, _ := ids.CreateToken(ctx, "T1", "U3", identity.Admin, "")
		ts, err := ss.SignInWithToken(ctx, "  "+tok.Token+"\n")
		if err != nil || ts.Session.Role != identity.Admin || ts.Session.TokenID != tok.Record.ID {
			t.Fatalf("token sign in = %+v, %v", ts.Session, err)
		}
		if _, err := ss.SignInWithToken(ctx, "mm_"+strings.Repeat("Z", 40)); !errors.Is(err, identity.ErrInvalidToken) {
			t.Fatalf("unknown token: err = %v", err)
		}

		// Revoking the pasted token ends the sessions it opened.
		tok2, _ := ids.CreateToken(ctx, "T1", "U4", identity.Editor, "")
		ts2, err := ss.SignInWithToken(ctx, tok2.Token)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := ss.Resolve(ctx, ts2.Secret); err != nil {
			t.Fatalf("token session before revocation: %v", err)
		}
		if _, err := ids.RevokeToken(ctx, tok2.Record.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ss.Resolve(ctx, ts2.Secret); !errors.Is(err, identity.ErrNoSession) {
			t.Fatalf("session of a revoked token: err = %v, want ErrNoSession", err)
		}

		// Sign-out and expiry end a session.
		if err := ss.SignOut(ctx, ts.Secret); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ss.Resolve(ctx, ts.Secret); !errors.Is(err, identity.ErrNoSession) {
			t.Fatalf("after sign-out: err = %v", err)
		}
		if err := ss.SignOut(ctx, ts.Secret); err != nil {
			t.Fatalf("second sign-out: %v", err)
		}
		clk.t = clk.t.Add(identity.SessionTTL)
		if _, _, err := ss.Resolve(ctx, started.Secret); !errors.Is(err, identity.ErrNoSession) {
			t.Fatalf("expired session: err = %v", err)
		}
		if _, _, err := ss.Resolve(ctx, "garbage"); !errors.Is(err, identity.ErrNoSession) {
			t.Fatalf("garbage secret: err = %v", err)
		}
		if identity.CSRFToken(started.Secret) == identity.CSRFToken(ts.Secret) || len(identity.CSRFToken(ts.Secret)) != 64 {
			t.Fatal("CSRF tokens are not per session")
		}
		if _, _, err := ss.CreateLink(ctx, "", "U1", identity.Viewer); err == nil {
			t.Fatal("a link without a workspace was created")
		}
	})
}
