package publish

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// TestPreflightFindsWhatPublishingWouldRefuse: the checks run before a
// person is asked, store nothing and send nothing; a duplicate names the
// account, not its id.
func TestPreflightFindsWhatPublishingWouldRefuse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	got, err := b.svc.Preflight(ctx, b.editor, req("Fresh words", "x1", "li1"), time.Time{})
	if err != nil || len(got.Targets) != 2 || got.Targets[0].Name != "Acme" || got.Targets[1].AccountID != "li1" {
		t.Fatalf("preflight = %+v, %v", got, err)
	}
	if posts, _, err := b.svc.List(ctx, b.editor, 10, ""); err != nil || len(posts) != 0 {
		t.Fatalf("preflight stored %d posts (%v)", len(posts), err)
	}

	if _, err := b.svc.PublishNow(ctx, b.editor, req("Same words", "x1")); err != nil {
		t.Fatal(err)
	}
	sent := b.x.publishes
	_, err = b.svc.Preflight(ctx, b.editor, req("Same words", "x1", "x2"), time.Time{})
	var de *DuplicateError
	if !errors.As(err, &de) || len(de.Duplicates) != 1 {
		t.Fatalf("duplicate = %v", err)
	}
	d := de.Duplicates[0]
	if d.AccountID != "x1" || d.Account != "Acme" || d.PostID == "" || !strings.Contains(d.Message(), "already goes to Acme") ||
		strings.Contains(err.Error(), "x1") || strings.Contains(err.Error(), "allow_duplicate") {
		t.Fatalf("duplicate = %+v: %v", d, err)
	}
	r := req("Same words", "x1")
	r.AllowDuplicate = true
	if _, err := b.svc.Preflight(ctx, b.editor, r, time.Time{}); err != nil {
		t.Fatalf("post anyway: %v", err)
	}

	var ve *ValidationError
	if _, err := b.svc.Preflight(ctx, b.editor, req(strings.Repeat("long ", 100), "x1"), time.Time{}); !errors.As(err, &ve) {
		t.Fatalf("too long for X: %v", err)
	}
	if _, err := b.svc.Preflight(ctx, b.editor, req("Later", "x1"), t0.Add(-time.Minute)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("past time: %v", err)
	}
	if _, err := b.svc.Preflight(ctx, identity.Caller{WorkspaceID: "W1", UserID: "U9", Role: identity.Viewer}, req("Hi", "x1"), time.Time{}); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("viewer: %v", err)
	}
	if b.x.publishes != sent {
		t.Fatalf("preflight sent %d posts", b.x.publishes-sent)
	}
}
