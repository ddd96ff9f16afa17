package publish

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

// TestStoreAddDeliveries is AddDeliveries' conformance case, on both
// backends: new targets join their post, in order, and keep what is saved
// on them (Checks); none joins a post of another workspace.
func TestStoreAddDeliveries(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		p := testPost("W1", t0, "a1")
		if err := st.CreatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		more := testPost("W1", t0, "a2", "a3").Targets
		for i := range more {
			more[i].PostID, more[i].Position = p.ID, i+1
		}
		if err := st.AddDeliveries(ctx, more); err != nil {
			t.Fatal(err)
		}
		got, err := st.GetPost(ctx, "W1", p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Targets) != 3 || got.Targets[1].ID != more[0].ID || got.Targets[2].AccountID != "a3" || got.Targets[2].JobID != "job-a3" {
			t.Fatalf("targets after AddDeliveries = %+v", got.Targets)
		}
		// A saved delivery keeps its count of failed checks.
		c := got.Targets[1]
		c.Status, c.Checks, c.StartedAt = StatusPublishing, 2, t0
		if ok, err := st.SaveDeliveries(ctx, []Delivery{c}); err != nil || !ok[0] {
			t.Fatal(ok, err)
		}
		if back, err := st.GetDelivery(ctx, "W1", c.ID); err != nil || back.Checks != 2 || back.Status != StatusPublishing {
			t.Fatalf("after saving 2 checks: %+v, %v", back, err)
		}
		stray := testPost("W2", t0, "b1").Targets
		stray[0].PostID = p.ID // W1's post, written as W2
		if err := st.AddDeliveries(ctx, stray); !errors.Is(err, ErrNotFound) {
			t.Fatalf("AddDeliveries into another workspace's post: %v, want ErrNotFound", err)
		}
		if _, err := st.GetDelivery(ctx, "W2", stray[0].ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("the refused delivery was stored: %v", err)
		}
	})
}

func accounts(v PostView) string {
	var out []string
	for _, t := range v.Targets {
		out = append(out, t.AccountID+":"+string(t.Status))
	}
	return strings.Join(out, ",")
}

// TestUpdateTargets: PATCH's account list adds a validated delivery with
// its own job and cancels a removed one that has not started; a target that
// is publishing or final cannot be removed, and the error says so.
func TestUpdateTargets(t *testing.T) {
	t.Parallel()
	b := setup(t)
	at := t0.Add(time.Hour)
	sch, err := b.svc.Schedule(ctx, b.editor, req("Targets move", "x1", "li1"), at)
	if err != nil {
		t.Fatal(err)
	}
	list := func(ids ...string) Patch { return Patch{AccountIDs: &ids} }

	// Add x2, drop li1: x2 gets a delivery and a job at the post's time; li1
	// and its job are cancelled.
	li := b.delivery(t, sch.PostID, "li1")
	v, err := b.svc.Update(ctx, b.editor, sch.PostID, list("x1", "x2"))
	if err != nil {
		t.Fatal(err)
	}
	if got := accounts(v); got != "x1:pending,li1:cancelled,x2:pending" || v.Status != "scheduled" {
		t.Fatalf("targets = %s (%s)", got, v.Status)
	}
	x2 := b.delivery(t, sch.PostID, "x2")
	if job := b.jobs.get(x2.JobID); job.DeliveryID != x2.ID || !job.RunAt.Equal(at) || !b.jobs.cancelled[li.JobID] {
		t.Fatalf("x2's job = %+v, li1's job cancelled %v", job, b.jobs.cancelled[li.JobID])
	}

	cases := []struct {
		name  string
		patch Patch
		is    error
		says  string
	}{
		{"an unknown account", list("x1", "x2", "nope"), nil, "account nope is not connected to this workspace"},
		{"a disconnected account", list("x1", "x2", "off1"), nil, "needs to be reconnected"},
		{"content invalid for the added account", list("x1", "x2", "ig1"), nil, "Instagram"},
		{"another workspace's account", list("x1", "x2", "x9"), nil, "account x9 is not connected"},
		{"no account left", list(), nil, "to stop the whole post, cancel it"},
	}
	for _, tc := range cases {
		_, err := b.svc.Update(ctx, b.editor, sch.PostID, tc.patch)
		var ve *ValidationError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: err = %v; want a validation error saying %q", tc.name, err, tc.says)
		}
	}
	if got, _ := b.svc.Get(ctx, b.editor, sch.PostID); accounts(got) != "x1:pending,li1:cancelled,x2:pending" {
		t.Fatalf("a refused edit changed the targets: %s", accounts(got))
	}

	// x1 goes out; it can no longer be removed, but x2 can be, and li1
	// re-added gets a new delivery.
	b.clock.Set(at)
	if err := b.svc.Deliver(ctx, "W1", b.delivery(t, sch.PostID, "x1").ID, false); err != nil {
		t.Fatal(err)
	}
	b.clock.Set(t0)
	if _, err := b.svc.Update(ctx, b.editor, sch.PostID, list("x2")); !errors.Is(err, ErrConflict) ||
		!strings.Contains(err.Error(), "the post to x1 is already published; it can no longer be removed") {
		t.Fatalf("removing a published target: %v", err)
	}
	text := "New words"
	if _, err := b.svc.Update(ctx, b.editor, sch.PostID, Patch{Text: &text}); !errors.Is(err, ErrConflict) {
		t.Fatalf("changing the text once a target published: %v", err)
	}
	v, err = b.svc.Update(ctx, b.editor, sch.PostID, list("x1", "li1"))
	if err != nil {
		t.Fatal(err)
	}
	if got := accounts(v); got != "x1:published,li1:cancelled,x2:cancelled,li1:pending" {
		t.Fatalf("targets = %s", got)
	}

	// A target marked publishing cannot be removed either.
	d := b.delivery(t, sch.PostID, "x1")
	p, _ := b.st.GetPost(ctx, "W1", sch.PostID)
	live := p.Targets[len(p.Targets)-1]
	live.Status, live.StartedAt = StatusPublishing, t0
	if ok, err := b.st.SaveDeliveries(ctx, []Delivery{live}); err != nil || !ok[0] {
		t.Fatal(ok, err)
	}
	if _, err := b.svc.Update(ctx, b.editor, sch.PostID, list(d.AccountID)); !errors.Is(err, ErrConflict) ||
		!strings.Contains(err.Error(), "the post to li1 is already publishing") {
		t.Fatalf("removing a publishing target: %v", err)
	}
}

// TestUpdateTargetsOnlyLater: accounts are added only to a post still to
// come, and a viewer cannot change targets.
func TestUpdateTargetsOnlyLater(t *testing.T) {
	t.Parallel()
	b := setup(t)
	out, err := b.svc.PublishNow(ctx, b.editor, req("Now", "x1", "li1"))
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"x1", "li1", "x2"}
	if _, err := b.svc.Update(ctx, b.editor, out.PostID, Patch{AccountIDs: &ids}); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "accounts can only be added to a post scheduled for later") {
		t.Fatalf("adding an account to a post published now: %v", err)
	}
	viewer := b.editor
	viewer.Role = identity.Viewer
	if _, err := b.svc.Update(ctx, viewer, out.PostID, Patch{AccountIDs: &ids}); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("viewer edit: %v", err)
	}
}
