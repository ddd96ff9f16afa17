package publish

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
)

var ctx = context.Background()

func req(text string, accounts ...string) Request {
	return Request{Content: Content{Text: text}, AccountIDs: accounts}
}

func TestPublishNowFanOut(t *testing.T) {
	t.Parallel()
	b := setup(t)
	out, err := b.svc.PublishNow(ctx, b.editor, req("Launch day!", "x1", "x2", "li1"))
	if err != nil {
		t.Fatal(err)
	}
	if !out.Success || len(out.Results) != 3 {
		t.Fatalf("outcome = %+v, want 3 published", out)
	}
	for _, r := range out.Results {
		if r.Status != StatusPublished || r.PlatformPostID == "" || r.URL == "" || r.Error != "" {
			t.Fatalf("result %+v, want published with id and url", r)
		}
	}
	if b.x.posts() != 2 || b.li.posts() != 1 {
		t.Fatalf("posts on X = %d, LinkedIn = %d; want 2 and 1", b.x.posts(), b.li.posts())
	}
	// The post records who and through which door.
	v, err := b.svc.Get(ctx, b.editor, out.PostID)
	if err != nil || v.CreatedBy != "U1" || v.Door != identity.DoorAPI || v.Status != "published" {
		t.Fatalf("Get = %+v, %v", v, err)
	}
}

func TestPublishNowPartialFailure(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.li.fail(fault{kind: platform.KindPermanent, msg: "Content is a duplicate of urn:li:share:7"})
	out, err := b.svc.PublishNow(ctx, b.editor, req("Mixed fortunes", "x1", "li1"))
	if err != nil {
		t.Fatal(err)
	}
	if out.Success {
		t.Fatalf("a partial failure reported success: %+v", out)
	}
	got := map[string]Result{}
	for _, r := range out.Results {
		got[r.AccountID] = r
	}
	if got["x1"].Status != StatusPublished {
		t.Fatalf("x1 = %+v, want published", got["x1"])
	}
	if got["li1"].Status != StatusFailed || !strings.Contains(got["li1"].Error, "Content is a duplicate of urn:li:share:7") {
		t.Fatalf("li1 = %+v, want failed with LinkedIn's message", got["li1"])
	}
	if b.li.calls() != 1 {
		t.Fatalf("a permanent rejection was retried: %d calls", b.li.calls())
	}
	if v, _ := b.svc.Get(ctx, b.editor, out.PostID); v.Status != "partial" || v.Targets[1].Actions[0] != "retry" {
		t.Fatalf("view = %+v", v)
	}

	// Retry sends only the failed target.
	xCalls := b.x.calls()
	again, err := b.svc.Retry(ctx, b.editor, out.PostID)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Success || b.x.calls() != xCalls || b.li.posts() != 1 {
		t.Fatalf("retry = %+v; X calls %d→%d, LinkedIn posts %d", again, xCalls, b.x.calls(), b.li.posts())
	}
	if _, err := b.svc.Retry(ctx, b.editor, out.PostID); !errors.Is(err, ErrConflict) {
		t.Fatalf("retry with nothing failed: err = %v, want ErrConflict", err)
	}
}

func TestRateLimitWaitsWithoutUsingAnAttempt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.x.fail(fault{kind: platform.KindRateLimit, wait: 5 * time.Minute, msg: "Too Many Requests"})
	out, err := b.svc.PublishNow(ctx, b.editor, req("Patience", "x1"))
	if err != nil {
		t.Fatal(err)
	}
	r := out.Results[0]
	if out.Success || r.Status != StatusPending || r.Error != "waiting for X rate limit until 09:05 UTC" {
		t.Fatalf("result = %+v, want pending and waiting for the reset", r)
	}
	d := b.delivery(t, out.PostID, "x1")
	if d.Attempts != 0 || !d.WaitingUntil.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("delivery = %+v: a rate limit used an attempt or lost its reset", d)
	}
	if job := b.jobs.get(d.JobID); !job.RunAt.Equal(t0.Add(5 * time.Minute)) {
		t.Fatalf("job runs at %v, want the reset time", job.RunAt)
	}
	b.clock.Advance(5 * time.Minute)
	if err := b.svc.Deliver(ctx, "W1", d.ID, false); err != nil {
		t.Fatal(err)
	}
	if d := b.delivery(t, out.PostID, "x1"); d.Status != StatusPublished || d.Attempts != 1 || b.x.posts() != 1 {
		t.Fatalf("after the reset: %+v, %d posts", d, b.x.posts())
	}
}

// run drives a delivery the way the scheduler does, until it settles.
func run(t *testing.T, b *bundle, id string) (runs int) {
	t.Helper()
	for runs = 1; runs < 20; runs++ {
		err := b.svc.Deliver(ctx, "W1", id, false)
		var snooze *SnoozeError
		var perm *PermanentError
		switch {
		case err == nil, errors.As(err, &perm):
			return runs
		case errors.As(err, &snooze):
			b.clock.Set(snooze.Until)
		default:
			b.clock.Advance(time.Minute)
		}
	}
	t.Fatalf("delivery %s never settled", id)
	return runs
}

func TestTransientFailuresRetryThenSucceed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.x.fail(fault{kind: platform.KindTransient, msg: "Internal Error"}, fault{kind: platform.KindTransient, msg: "Internal Error"})
	sch, err := b.svc.Schedule(ctx, b.editor, req("Third time lucky", "x1"), t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Hour)
	id := b.jobs.get(sch.JobIDs[0]).DeliveryID
	run(t, b, id)
	d := b.delivery(t, sch.PostID, "x1")
	if d.Status != StatusPublished || d.Attempts != 3 || b.x.calls() != 3 || b.x.posts() != 1 {
		t.Fatalf("delivery = %+v; calls %d, posts %d; want published on the third attempt, once", d, b.x.calls(), b.x.posts())
	}
}

func TestAcceptedThenFailedIsReconciledNotResent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.x.fail(fault{kind: platform.KindTransient, accept: true, msg: "Internal Error"})
	out, err := b.svc.PublishNow(ctx, b.editor, req("Did it land?", "x1"))
	if err != nil {
		t.Fatal(err)
	}
	if out.Results[0].Status != StatusPending {
		t.Fatalf("result = %+v, want pending (a 500 is not a failure yet)", out.Results[0])
	}
	d := b.delivery(t, out.PostID, "x1")
	b.clock.Advance(time.Minute)
	run(t, b, d.ID)
	d = b.delivery(t, out.PostID, "x1")
	if d.Status != StatusPublished || d.PlatformPostID != "twitter-1" || b.x.calls() != 1 || b.x.posts() != 1 {
		t.Fatalf("delivery = %+v; calls %d; want reconciled as twitter-1 without a second send", d, b.x.calls())
	}
}

func TestExpiredTokenRefreshedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.x.token = "tok-x1-1" // the current token is stale; a refresh makes gen 1
	out, err := b.svc.PublishNow(ctx, b.editor, req("Fresh token", "x1"))
	if err != nil {
		t.Fatal(err)
	}
	if !out.Success || b.accounts.refreshes != 1 || b.x.calls() != 2 {
		t.Fatalf("outcome %+v, refreshes %d, calls %d; want published after one refresh", out, b.accounts.refreshes, b.x.calls())
	}
	// A token the platform refuses even after a refresh fails the target.
	b.x.token = "never"
	b.accounts.adapters = nil
	out, err = b.svc.PublishNow(ctx, b.editor, req("Still refused", "x1"))
	if err != nil {
		t.Fatal(err)
	}
	if r := out.Results[0]; r.Status != StatusFailed || !strings.Contains(r.Error, "reconnect the account") {
		t.Fatalf("result = %+v, want failed asking to reconnect", r)
	}
}

func TestCrashWhilePublishing(t *testing.T) {
	t.Parallel()
	for _, landed := range []bool{true, false} {
		b := setup(t)
		sch, err := b.svc.Schedule(ctx, b.editor, req("Crash test", "x1"), t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		b.clock.Advance(time.Minute)
		// A replica marks the delivery publishing, maybe reaches X, then dies.
		d := b.delivery(t, sch.PostID, "x1")
		d.Status, d.Attempts, d.StartedAt = StatusPublishing, 1, b.clock.Now()
		if ok, err := b.st.SaveDeliveries(ctx, []Delivery{d}); err != nil || !ok[0] {
			t.Fatal(ok, err)
		}
		if landed {
			if _, err := b.x.Publish(ctx, platform.Target{}, d.Body); err != nil {
				t.Fatal(err)
			}
		}
		b.clock.Advance(time.Minute) // the lease expires; the job runs again
		if err := b.svc.Deliver(ctx, "W1", d.ID, false); err != nil {
			t.Fatal(err)
		}
		got := b.delivery(t, sch.PostID, "x1")
		switch {
		case landed && (got.Status != StatusPublished || got.PlatformPostID != "twitter-1"):
			t.Fatalf("landed: %+v, want published as twitter-1", got)
		case !landed && got.Status != StatusUnconfirmed:
			t.Fatalf("not landed: %+v, want unconfirmed", got)
		}
		if b.x.posts() != map[bool]int{true: 1, false: 0}[landed] {
			t.Fatalf("landed=%v: %d posts: reconciliation sent blindly", landed, b.x.posts())
		}
		if landed {
			continue
		}
		if v, _ := b.svc.Get(ctx, b.editor, sch.PostID); v.Targets[0].Actions[0] != "publish_anyway" {
			t.Fatalf("unconfirmed target offers %v", v.Targets[0].Actions)
		}
		out, err := b.svc.PublishAnyway(ctx, b.editor, sch.PostID, "x1")
		if err != nil || !out.Success || b.x.posts() != 1 {
			t.Fatalf("publish anyway = %+v, %v; %d posts", out, err, b.x.posts())
		}
	}
}

func TestAttemptsExhaustedFails(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.MaxAttempts = 2 })
	b.x.fail(fault{kind: platform.KindTransient, msg: "down"}, fault{kind: platform.KindTransient, msg: "still down"})
	out, err := b.svc.PublishNow(ctx, b.editor, req("Doomed", "x1"))
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Minute)
	run(t, b, b.delivery(t, out.PostID, "x1").ID)
	d := b.delivery(t, out.PostID, "x1")
	if d.Status != StatusFailed || !strings.Contains(d.LastError, "still down") || b.x.calls() != 2 {
		t.Fatalf("delivery = %+v after %d calls, want failed after 2", d, b.x.calls())
	}
}

func TestValidationStopsEverything(t *testing.T) {
	t.Parallel()
	b := setup(t)
	long := strings.Repeat("a", 281)
	r := Request{Content: Content{Text: long, ImageURLs: []string{"ftp://img.example/a.png"}}, AccountIDs: []string{"x1", "ig1", "li1", "nope", "off1", "x9"}}
	_, err := b.svc.PublishNow(ctx, b.editor, r)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a ValidationError", err)
	}
	msgs := joinProblems(ve.Problems)
	for _, want := range []string{"X: the text is 281 characters", "X: image 1 must be an http or https URL", "Instagram: image 1 must be",
		"account nope is not connected", "needs to be reconnected: the refresh token was revoked", "account x9 is not connected"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("problems lack %q:\n%s", want, msgs)
		}
	}
	if b.x.calls()+b.li.calls()+b.ig.calls() != 0 || len(b.jobs.specs) != 0 {
		t.Fatal("something was sent or scheduled despite an invalid target")
	}
	// skip_invalid sends to the valid targets and reports the rest.
	r = Request{Content: Content{Text: "Short and sweet"}, AccountIDs: []string{"x1", "ig1"}, SkipInvalid: true}
	out, err := b.svc.PublishNow(ctx, b.editor, r)
	if err != nil {
		t.Fatal(err)
	}
	if out.Success || len(out.Results) != 2 || out.Results[0].Status != StatusPublished || out.Results[1].Status != StatusInvalid ||
		!strings.Contains(out.Results[1].Error, "needs at least one image or a video") {
		t.Fatalf("outcome = %+v", out)
	}
}

func TestDuplicateGuard(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if _, err := b.svc.PublishNow(ctx, b.editor, req("Same words", "x1")); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Hour)
	_, err := b.svc.PublishNow(ctx, b.editor, req("Same words", "x1", "x2"))
	var de *DuplicateError
	if !errors.Is(err, ErrDuplicate) || !errors.As(err, &de) || len(de.Problems) != 1 || de.Problems[0].AccountID != "x1" {
		t.Fatalf("err = %v, want a duplicate for x1 only", err)
	}
	r := req("Same words", "x1")
	r.AllowDuplicate = true
	if out, err := b.svc.PublishNow(ctx, b.editor, r); err != nil || !out.Success {
		t.Fatalf("allow_duplicate: %+v, %v", out, err)
	}
	b.clock.Advance(25 * time.Hour)
	if _, err := b.svc.PublishNow(ctx, b.editor, req("Same words", "x1")); err != nil {
		t.Fatalf("a day later: %v", err)
	}
}

func TestScheduleEditCancel(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if _, err := b.svc.Schedule(ctx, b.editor, req("Too late", "x1"), t0.Add(-time.Minute)); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "in the past") {
		t.Fatalf("past time: err = %v", err)
	}
	sch, err := b.svc.Schedule(ctx, b.editor, req("First draft", "x1", "li1"), t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !sch.Success || len(sch.JobIDs) != 2 || !b.jobs.get(sch.JobIDs[0]).RunAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("scheduled = %+v", sch)
	}
	id := b.jobs.get(sch.JobIDs[0]).DeliveryID
	var snooze *SnoozeError
	if err := b.svc.Deliver(ctx, "W1", id, false); !errors.As(err, &snooze) || !snooze.Until.Equal(t0.Add(time.Hour)) {
		t.Fatalf("an early run: err = %v, want to wait for the time", err)
	}

	text, later := "Second draft", t0.Add(2*time.Hour)
	v, err := b.svc.Update(ctx, b.editor, sch.PostID, Patch{Text: &text, RunAt: &later})
	if err != nil {
		t.Fatal(err)
	}
	if v.Content.Text != text || !v.ScheduledAt.Equal(later) || !b.jobs.get(sch.JobIDs[1]).RunAt.Equal(later) {
		t.Fatalf("after update: %+v, job at %v", v, b.jobs.get(sch.JobIDs[1]).RunAt)
	}
	bad := strings.Repeat("x", 300)
	if _, err := b.svc.Update(ctx, b.editor, sch.PostID, Patch{Text: &bad}); !errors.As(err, new(*ValidationError)) {
		t.Fatalf("invalid update: err = %v", err)
	}
	b.clock.Set(later)
	if err := b.svc.Deliver(ctx, "W1", id, false); err != nil {
		t.Fatal(err)
	}
	if got := b.x.timeline[0].Text; got != text {
		t.Fatalf("X got %q, want the edited text", got)
	}
	if _, err := b.svc.Update(ctx, b.editor, sch.PostID, Patch{Text: &text}); !errors.Is(err, ErrConflict) {
		t.Fatalf("update after a target published: err = %v, want ErrConflict", err)
	}
	// Cancel stops what has not started; the job is cancelled and a late run sends nothing.
	v, err = b.svc.Cancel(ctx, b.editor, sch.PostID)
	if err != nil {
		t.Fatal(err)
	}
	li := b.delivery(t, sch.PostID, "li1")
	if li.Status != StatusCancelled || !b.jobs.cancelled[li.JobID] || v.Status != "partial" {
		t.Fatalf("after cancel: %+v, view %s", li, v.Status)
	}
	if err := b.svc.Deliver(ctx, "W1", li.ID, false); err != nil || b.li.calls() != 0 {
		t.Fatalf("a cancelled delivery ran: %v, %d calls", err, b.li.calls())
	}
}

func TestWorkspaceScopingAndRoles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	out, err := b.svc.PublishNow(ctx, b.editor, req("Ours", "x1"))
	if err != nil {
		t.Fatal(err)
	}
	other := identity.Caller{WorkspaceID: "W2", UserID: "U9", Role: identity.Admin}
	if _, err := b.svc.Get(ctx, other, out.PostID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another workspace's Get: %v", err)
	}
	if _, err := b.svc.Retry(ctx, other, out.PostID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another workspace's Retry: %v", err)
	}
	if posts, _, err := b.svc.List(ctx, other, 10, ""); err != nil || len(posts) != 0 {
		t.Fatalf("another workspace lists %d posts, %v", len(posts), err)
	}
	viewer := identity.Caller{WorkspaceID: "W1", UserID: "U2", Role: identity.Viewer}
	if _, err := b.svc.PublishNow(ctx, viewer, req("Nope", "x1")); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("viewer publishing: %v", err)
	}
	if posts, _, err := b.svc.List(ctx, viewer, 10, ""); err != nil || len(posts) != 1 {
		t.Fatalf("viewer lists %d posts, %v", len(posts), err)
	}
}

func TestPostingCapRespectedBeforeSending(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) {
		c.Caps = map[platform.Name]Cap{platform.Twitter: {Posts: 2, Window: 15 * time.Minute}}
	})
	for i, text := range []string{"one", "two"} {
		if out, err := b.svc.PublishNow(ctx, b.editor, req(text, "x1")); err != nil || !out.Success {
			t.Fatalf("post %d: %+v, %v", i, out, err)
		}
		b.clock.Advance(time.Minute)
	}
	three, err := b.svc.PublishNow(ctx, b.editor, req("three", "x1"))
	if err != nil {
		t.Fatal(err)
	}
	r := three.Results[0]
	if r.Status != StatusPending || !strings.Contains(r.Error, "waiting for the X posting limit (2 per 15 min) until 09:15 UTC") || b.x.calls() != 2 {
		t.Fatalf("third post: %+v after %d calls", r, b.x.calls())
	}
	if out, err := b.svc.PublishNow(ctx, b.editor, req("other account", "x2")); err != nil || !out.Success {
		t.Fatalf("another account is not capped: %+v, %v", out, err)
	}
	b.clock.Set(t0.Add(15*time.Minute + time.Second))
	if err := b.svc.Deliver(ctx, "W1", b.delivery(t, three.PostID, "x1").ID, false); err != nil {
		t.Fatal(err)
	}
	if d := b.delivery(t, three.PostID, "x1"); d.Status != StatusPublished {
		t.Fatalf("after the window: %+v", d)
	}
}

func TestIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	runs := 0
	fn := func() (int, []byte) { runs++; return 200, []byte(`{"success":true,"post_id":"p1"}`) }
	st, body, replayed, err := b.svc.Idempotent(ctx, b.editor, "key-1", "fp", fn)
	if err != nil || st != 200 || replayed {
		t.Fatal(st, replayed, err)
	}
	st, body2, replayed, err := b.svc.Idempotent(ctx, b.editor, "key-1", "fp", fn)
	if err != nil || !replayed || st != 200 || string(body2) != string(body) || runs != 1 {
		t.Fatalf("repeat: %d %s replayed=%v runs=%d err=%v", st, body2, replayed, runs, err)
	}
	if _, _, _, err := b.svc.Idempotent(ctx, b.editor, "key-1", "other", fn); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("reuse for another request: %v", err)
	}
	// A concurrent duplicate gets ErrKeyInProgress while the first runs.
	inside := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		_, _, _, err := b.svc.Idempotent(ctx, b.editor, "key-2", "fp", func() (int, []byte) {
			close(inside)
			<-release
			return 201, []byte("{}")
		})
		done <- err
	}()
	<-inside
	if _, _, _, err := b.svc.Idempotent(ctx, b.editor, "key-2", "fp", fn); !errors.Is(err, ErrKeyInProgress) {
		t.Fatalf("concurrent duplicate: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// A 5xx answer is not kept: the same key can try again.
	fail := func() (int, []byte) { return 503, nil }
	if _, _, _, err := b.svc.Idempotent(ctx, b.editor, "key-3", "fp", fail); err != nil {
		t.Fatal(err)
	}
	if _, _, replayed, err := b.svc.Idempotent(ctx, b.editor, "key-3", "fp", fn); err != nil || replayed {
		t.Fatalf("after a 5xx: replayed=%v err=%v", replayed, err)
	}
	b.clock.Advance(KeyTTL + time.Minute)
	if n, err := b.svc.PurgeIdempotencyKeys(ctx); err != nil || n != 3 {
		t.Fatalf("purge = %d, %v; want 3", n, err)
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) {
		c.UserLocation = func(ctx context.Context, ws, user string) (*time.Location, error) {
			return time.FixedZone("CET", 3600), nil
		}
	})
	cases := []struct {
		in   string
		want time.Time
		err  string
	}{
		{"2026-11-20T12:00:00+02:00", t0.Add(time.Hour), ""},
		{"2026-11-20T11:00", t0.Add(time.Hour), ""}, // 11:00 CET = 10:00 UTC
		{"2026-11-20 11:30", t0.Add(90 * time.Minute), ""},
		{"2026-11-20T09:59", time.Time{}, "in the past"},
		{"in 2 hours", t0.Add(2 * time.Hour), ""},
		{"tomorrow 9am", time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC), ""}, // 9:00 CET
		{"tomorrow-ish", time.Time{}, "not a time I can read"},
	}
	for _, c := range cases {
		got, err := b.svc.ParseTime(ctx, b.editor, c.in)
		if c.err != "" {
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%q = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

// TestOnSettled: every outcome saved as final is told, once per delivery,
// with its status; a setup failure (a disconnected account) too.
func TestOnSettled(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	got := map[string]Status{}
	b := setup(t, func(c *Config) {
		c.OnSettled = func(d Delivery) {
			mu.Lock()
			defer mu.Unlock()
			if _, twice := got[d.AccountID]; twice {
				t.Errorf("%s settled twice", d.AccountID)
			}
			got[d.AccountID] = d.Status
		}
	})
	b.li.fail(fault{kind: platform.KindPermanent, msg: "Content is a duplicate"})
	if _, err := b.svc.PublishNow(ctx, b.editor, req("Told", "x1", "li1")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got["x1"] != StatusPublished || got["li1"] != StatusFailed {
		t.Fatalf("settled = %v; want x1 published, li1 failed", got)
	}
}
