package analytics

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func byAccount(rs []Record) map[string]Record {
	out := map[string]Record{}
	for _, r := range rs {
		out[r.AccountID] = r
	}
	return out
}

func TestSyncSandbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	ctx := context.Background()
	org := e.orgs[0]
	p1, ids1 := e.publish(t, "Autumn launch, first look", e.x, org)
	p2, _ := e.publish(t, "Autumn launch: the numbers", e.x, e.member)

	// The member's post figures need r_member_social, which the app does
	// not have: LinkedIn answers 403, reported as a skip, not per post.
	wantSkip := Skip{WorkspaceID: "T1", AccountID: e.member.ID, Platform: platform.LinkedIn, Reason: SkipNotPermitted, Posts: 1}
	sameSkips := func(got []Skip) bool {
		if len(got) != 1 || got[0].Detail == "" {
			return false
		}
		g := got[0]
		g.Detail = ""
		return g == wantSkip
	}
	rep := e.sync(t)
	if rep.PostsSynced != 3 || rep.AccountsSynced != e.accounts || !sameSkips(rep.Skipped) || len(rep.Errors) != 0 {
		t.Fatalf("first sync = %+v; want 3 posts, %d accounts, the member's post not permitted, nothing failed", rep, e.accounts)
	}
	if rep.Day != Day(e.clock.Now()) {
		t.Fatalf("report day %q, want %q", rep.Day, Day(e.clock.Now()))
	}

	check := func(when string) {
		t.Helper()
		h1, err := e.svc.PostHistory(ctx, e.viewer, p1)
		if err != nil || len(h1) != 2 {
			t.Fatalf("%s: PostHistory(p1) = %+v, %v; want one record per target", when, h1, err)
		}
		got := byAccount(h1)
		x, o := got[e.x.ID], got[org.ID]
		if x.PlatformPostID != ids1[e.x.ID] || x.Platform != platform.Twitter || x.PostID != p1 || x.Kind != KindPost || x.Day != rep.Day {
			t.Fatalf("%s: X record %+v; want X post %s of %s on %s", when, x, ids1[e.x.ID], p1, rep.Day)
		}
		if x.Metrics.Likes == nil || x.Metrics.Impressions == nil || x.Metrics.Reach != nil {
			t.Fatalf("%s: X metrics %+v; want likes and impressions, reach unknown (X gives none)", when, x.Metrics)
		}
		if o.PlatformPostID != ids1[org.ID] || o.Platform != platform.LinkedIn || o.Metrics.Impressions == nil || o.Metrics.Reach == nil || o.Metrics.Saves != nil {
			t.Fatalf("%s: organization post record %+v; want its share statistics, saves unknown", when, o)
		}
		if h2, err := e.svc.PostHistory(ctx, e.viewer, p2); err != nil || len(h2) != 1 || h2[0].AccountID != e.x.ID {
			t.Fatalf("%s: PostHistory(p2) = %+v, %v; want the X record only", when, h2, err)
		}
		// LinkedIn gives no follower count for a member: the record says
		// unknown, not zero.
		hm, err := e.svc.AccountHistory(ctx, e.viewer, e.member.ID, e.clock.Now(), e.clock.Now())
		if err != nil || len(hm) != 1 || hm[0].Kind != KindAccount || hm[0].Metrics != (platform.Metrics{}) {
			t.Fatalf("%s: member history = %+v, %v; want one account record, every figure unknown", when, hm, err)
		}
		// X: the account's followers and its two posts, that day.
		hx, err := e.svc.AccountHistory(ctx, e.viewer, e.x.ID, e.clock.Now(), e.clock.Now())
		if err != nil || len(hx) != 3 || hx[0].Kind != KindAccount || hx[0].Metrics.Followers == nil {
			t.Fatalf("%s: AccountHistory(X) = %+v, %v; want the account's followers and two posts", when, hx, err)
		}
	}
	check("first sync")

	// Again the same day: the records are overwritten, none is added.
	first, _ := e.svc.PostHistory(ctx, e.viewer, p1)
	e.clock.Set(e.clock.Now().Add(time.Minute))
	if rep2 := e.sync(t); rep2.PostsSynced != 3 || rep2.AccountsSynced != e.accounts || !sameSkips(rep2.Skipped) || len(rep2.Errors) != 0 {
		t.Fatalf("second sync = %+v", rep2)
	}
	check("second sync the same day")
	again, _ := e.svc.PostHistory(ctx, e.viewer, p1)
	if !again[0].FetchedAt.After(first[0].FetchedAt) {
		t.Fatalf("second sync did not overwrite: fetched_at %s then %s", first[0].FetchedAt, again[0].FetchedAt)
	}

	// Scoped by workspace; reads need a role.
	if h, err := e.svc.PostHistory(ctx, identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Admin}, p1); err != nil || len(h) != 0 {
		t.Fatalf("another workspace's PostHistory = %+v, %v; want nothing", h, err)
	}
	if _, err := e.svc.PostHistory(ctx, identity.Caller{WorkspaceID: "T1", UserID: "U3"}, p1); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("PostHistory without a role: err = %v, want ErrForbidden", err)
	}
	if _, err := e.svc.AccountHistory(ctx, e.viewer, e.x.ID, e.clock.Now(), e.clock.Now().Add(-48*time.Hour)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("AccountHistory over a reversed range: err = %v, want ErrInvalid", err)
	}

	// 31 days later the posts are out of the window; accounts still sync,
	// into that day's records.
	e.clock.Set(e.clock.Now().Add(31 * 24 * time.Hour))
	if rep3 := e.sync(t); rep3.PostsSynced != 0 || rep3.AccountsSynced != e.accounts {
		t.Fatalf("sync 31 days later = %+v; want no post, every account", rep3)
	}
	if h, _ := e.svc.PostHistory(ctx, e.viewer, p1); len(h) != 2 {
		t.Fatalf("PostHistory after the window = %d records, want still 2", len(h))
	}
}

func skipOf(rep Report, accountID string) (Skip, bool) {
	for _, s := range rep.Skipped {
		if s.AccountID == accountID {
			return s, true
		}
	}
	return Skip{}, false
}

// A rate limit stops that account for the run (reported, not retried); an
// account to reconnect and a disconnected one are skipped and reported;
// the rest of the run goes on and the next run picks up.
func TestSyncRateLimitAndTokenProblems(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	ctx := context.Background()
	org := e.orgs[0]
	e.publish(t, "Rate limited soon", e.x, e.member, org)
	e.publish(t, "Rate limited too", e.x)

	e.sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: "GET", Path: "/2/tweets", Kind: sandbox.FaultRateLimit, RetryAfter: 10 * time.Minute})
	if err := accounts.NewStore(e.db).MarkNeedsReauth(ctx, accounts.Social, org.ID, "LinkedIn refused the refresh token", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.acc.Disconnect(ctx, e.editor, e.member.ID); err != nil {
		t.Fatal(err)
	}
	before := e.sb.Calls("GET", "/api.x.com/2/tweets")

	rep := e.sync(t)
	if len(rep.Errors) != 0 || rep.PostsSynced != 0 {
		t.Fatalf("sync = %+v; want no error, no post synced", rep)
	}
	if s, ok := skipOf(rep, e.x.ID); !ok || s.Reason != SkipRateLimited || s.Posts != 2 || s.Detail == "" {
		t.Fatalf("X skip = %+v (%v); want rate_limited with both posts left and X's words", s, ok)
	}
	if n := e.sb.Calls("GET", "/api.x.com/2/tweets") - before; n != 1 {
		t.Fatalf("X post lookups = %d, want 1: a rate limit stops the account, no retry", n)
	}
	if s, ok := skipOf(rep, org.ID); !ok || s.Reason != SkipNeedsReauth || s.Posts != 1 || s.Detail != "LinkedIn refused the refresh token" {
		t.Fatalf("organization skip = %+v (%v); want needs_reauth with its reason", s, ok)
	}
	if s, ok := skipOf(rep, e.member.ID); !ok || s.Reason != SkipNotConnected || s.Posts != 1 {
		t.Fatalf("member skip = %+v (%v); want not_connected", s, ok)
	}
	// X's own figures came before the post lookups; every other connected
	// organization synced.
	if want := 1 + len(e.orgs) - 1; rep.AccountsSynced != want {
		t.Fatalf("accounts synced = %d, want %d", rep.AccountsSynced, want)
	}
	if h, _ := e.svc.AccountHistory(ctx, e.viewer, e.x.ID, e.clock.Now(), e.clock.Now()); len(h) != 1 || h[0].Kind != KindAccount {
		t.Fatalf("X history = %+v; want its account record only", h)
	}

	// The limit lifts: the next run gets X's posts.
	e.sb.ClearFaults()
	if rep := e.sync(t); rep.PostsSynced != 2 || len(rep.Errors) != 0 {
		t.Fatalf("sync after the limit = %+v; want X's two posts", rep)
	}
}

// LinkedIn's quota is the app's: its first rate limit stops LinkedIn for the
// run; X goes on.
func TestSyncPlatformWideRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Concurrency: 1})
	e.publish(t, "Everywhere", append([]accounts.Account{e.x, e.member}, e.orgs...)...)
	e.sb.InjectFault(sandbox.Fault{Platform: "linkedin", Path: "/rest/", Kind: sandbox.FaultRateLimit, Times: 1})

	rep := e.sync(t)
	if len(rep.Errors) != 0 {
		t.Fatalf("sync = %+v; want no error", rep)
	}
	limited, stopped := 0, 0
	for _, s := range rep.Skipped {
		switch {
		case s.Platform != platform.LinkedIn:
			t.Fatalf("skip %+v; only LinkedIn is limited", s)
		case s.Reason == SkipRateLimited:
			limited++
		case s.Reason == SkipPlatformRateLimited:
			stopped++
		default:
			t.Fatalf("skip %+v", s)
		}
	}
	// The fault answers once: had anything called LinkedIn again, it would
	// have succeeded and no account would be stopped.
	if limited != 1 || stopped != len(e.orgs) {
		t.Fatalf("skips = %+v; want one rate_limited account and the %d other LinkedIn accounts stopped", rep.Skipped, len(e.orgs))
	}
	if h, _ := e.svc.AccountHistory(context.Background(), e.viewer, e.x.ID, e.clock.Now(), e.clock.Now()); len(h) != 2 {
		t.Fatalf("X history = %+v; want its account and post records", h)
	}
}

// A failed lookup is reported with its post; the account's other posts and
// the rest of the run go on.
func TestSyncFailureDoesNotStopTheRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	p1, _ := e.publish(t, "First", e.x)
	p2, _ := e.publish(t, "Second", e.x, e.orgs[0])
	e.sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: "GET", Path: "/2/tweets", Kind: sandbox.FaultServerError, Times: 1})

	rep := e.sync(t)
	if len(rep.Errors) != 1 || rep.Errors[0].AccountID != e.x.ID || rep.Errors[0].DeliveryID == "" || rep.Errors[0].Error == "" {
		t.Fatalf("errors = %+v; want the one failed X lookup, named", rep.Errors)
	}
	if rep.PostsSynced != 2 || rep.AccountsSynced != e.accounts || len(rep.Skipped) != 0 {
		t.Fatalf("sync = %+v; want the other two posts and every account", rep)
	}
	failed := rep.Errors[0].PostID
	if failed != p1 && failed != p2 {
		t.Fatalf("failure names post %q, not one of ours", failed)
	}
}

// Days and hours are the workspace's; a time zone that cannot be read is
// reported and UTC used.
func TestSyncInTheWorkspaceTimeZone(t *testing.T) {
	t.Parallel()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	var broken bool
	var mu sync.Mutex
	e := newEnv(t, Config{Location: func(ctx context.Context, ws string) (*time.Location, error) {
		mu.Lock()
		defer mu.Unlock()
		if broken {
			return nil, errors.New("settings unreadable")
		}
		return tokyo, nil
	}})
	ctx := context.Background()
	post, _ := e.publish(t, "Konnichiwa", e.x)
	rep := e.sync(t)
	now := e.clock.Now()
	if rep.Day != Day(now) || len(rep.Errors) != 0 {
		t.Fatalf("daily run report = %+v; want UTC's day and no error", rep)
	}
	h, err := e.svc.PostHistory(ctx, e.viewer, post)
	if err != nil || len(h) != 1 {
		t.Fatalf("PostHistory = %+v, %v", h, err)
	}
	r := h[0]
	if r.Day != DayIn(now, tokyo) || r.Hour != now.In(tokyo).Hour() || r.PublishedDay != DayIn(r.PublishedAt, tokyo) || r.PublishedAt.IsZero() {
		t.Fatalf("record day %s hour %d published %s on %s; want Tokyo's", r.Day, r.Hour, r.PublishedAt, r.PublishedDay)
	}
	if rep, err := e.svc.SyncNow(ctx, e.editor, e.x.ID); err != nil || rep.Day != DayIn(now, tokyo) || rep.PostsSynced != 1 || rep.AccountsSynced != 1 {
		t.Fatalf("SyncNow(X) = %+v, %v; want Tokyo's day, the X account and its post only", rep, err)
	}

	mu.Lock()
	broken = true
	mu.Unlock()
	rep, err = e.svc.SyncNow(ctx, e.editor, "")
	if err != nil || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error, "settings unreadable") || rep.PostsSynced != 1 {
		t.Fatalf("SyncNow with the time zone unreadable = %+v, %v; want it reported and the figures written in UTC", rep, err)
	}
}
