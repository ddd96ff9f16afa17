package main

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// Process-level tests of the durable scheduler and the token vault: real
// `serve` processes on one data dir, an external `marketingminds sandbox`
// they all reach through MM_SANDBOX_URL, everything through the REST API a
// person would use, and the sandbox's own read endpoints as the truth of
// what was published.
//
// X allows 100 posts per user per 15 minutes and publishing keeps under that
// cap before sending, so the runs spread their deliveries over several X
// accounts (sandbox users signed in one after the other), at most 80 each.

// connectAccounts connects n X accounts named prefix01… through p.
func connectAccounts(t *testing.T, p *proc, token, sandboxURL, prefix string, n int) []xAccount {
	t.Helper()
	accts := make([]xAccount, n)
	for i := range accts {
		accts[i] = connectX(t, p, token, sandboxURL, fmt.Sprintf("%s%02d", prefix, i+1))
	}
	return accts
}

// TestKill9MidRun (issue 6): kill -9 of serve in the middle of a run of 500
// deliveries, then a restart on the same data dir: every delivery ends
// published exactly once on the sandbox, or unconfirmed (and then on the
// sandbox at most once); none is lost, none is doubled.
func TestKill9MidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	t.Parallel()
	const accounts, posts = 10, 50 // 500 deliveries, 50 per X account
	sb := startSandbox(t)
	// Each post takes a little while at the platform, so the kill finds
	// some deliveries in flight (marked publishing, outcome unknown).
	fault := map[string]any{"platform": "twitter", "method": "POST", "path": "/2/tweets", "latency": "150ms"}
	if code, raw := call(t, "POST", sb+"/_sandbox/faults", "", fault, nil); code != 201 {
		t.Fatalf("latency fault: %d %s", code, raw)
	}
	env := []string{"MM_DATA_DIR=" + t.TempDir(), "MM_SANDBOX_URL=" + sb}
	token := apiToken(t, env)
	p := startServe(t, env)
	accts := connectAccounts(t, p, token, sb, "kill", accounts)

	start := time.Now()
	texts := schedulePosts(t, func(int) *proc { return p }, token, accts, posts, time.Now().Add(2500*time.Millisecond), 3*time.Second, "kill-9")
	total := accounts * posts
	before := waitPosts(t, p.url, token, 30*time.Second, "some but not all published", func(n map[string]int) bool {
		return n["published"] >= total/10
	})
	p.kill9(t)
	killed := statusCounts(before)
	if killed["published"] == total {
		t.Fatalf("every delivery was published before the kill; the test proves nothing: %v", killed)
	}
	t.Logf("killed after %s with deliveries by status (as last read) %v", time.Since(start).Round(time.Millisecond), killed)

	p2 := startServe(t, env)
	t.Logf("after the restart, deliveries by status: %v", statusCounts(allPosts(t, p2.url, token)))
	// Jobs the dead process held wait for their lease (30 s) to expire.
	after := waitPosts(t, p2.url, token, 90*time.Second, "every delivery final after the restart", func(n map[string]int) bool {
		done := 0
		for s, c := range n {
			if final(s) {
				done += c
			}
		}
		return done == total
	})
	n := checkExactlyOnce(t, sb, after, accts, texts)
	if n["published"]+n["unconfirmed"] != total {
		t.Errorf("deliveries by status %v, want %d published or unconfirmed", n, total)
	}
	t.Logf("%d deliveries in %s: %v", total, time.Since(start).Round(time.Millisecond), n)
	p2.stop(t)
}

// TestTwoReplicasNoDuplicates (issue 6): two serve processes on one data
// dir; deliveries scheduled half through each, all due within one second:
// every one is published exactly once.
func TestTwoReplicasNoDuplicates(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	t.Parallel()
	const accounts, posts = 25, 80 // 2,000 deliveries, 80 per X account
	sb := startSandbox(t)
	env := []string{"MM_DATA_DIR=" + t.TempDir(), "MM_SANDBOX_URL=" + sb}
	token := apiToken(t, env)
	p1 := startServe(t, env)
	p2 := startServe(t, env)
	accts := connectAccounts(t, p1, token, sb, "rep", accounts)

	start := time.Now()
	replicas := []*proc{p1, p2}
	texts := schedulePosts(t, func(i int) *proc { return replicas[i%2] }, token, accts, posts, time.Now().Add(3*time.Second), time.Second, "two-replicas")
	total := accounts * posts
	done := waitPosts(t, p2.url, token, 60*time.Second, "every delivery published", func(n map[string]int) bool {
		return n["published"] == total
	})
	n := checkExactlyOnce(t, sb, done, accts, texts)
	if n["published"] != total {
		t.Errorf("deliveries by status %v, want all %d published", n, total)
	}
	if got := sandboxCalls(t, sb, "POST", "/api.x.com/2/tweets"); got != total {
		t.Errorf("the sandbox received %d POST /2/tweets for %d deliveries", got, total)
	}
	owners := jobOwners(t, p1.url, token)
	if len(owners) != 2 {
		t.Errorf("completed jobs by replica: %v; want both replicas to have run some", owners)
	}
	t.Logf("%d deliveries over two replicas in %s; completed jobs by replica: %v", total, time.Since(start).Round(time.Millisecond), owners)
	p1.stop(t)
	p2.stop(t)
}

// TestTwoReplicasOneRefresh (issue 5): two serve processes on one data dir,
// one X account whose token the sandbox has expired and our store holds as
// due for refresh; both processes post at once: exactly one refresh call
// reaches the sandbox and both posts are published.
func TestTwoReplicasOneRefresh(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	t.Parallel()
	// Tokens live 8 s: ours are refreshed in their last half (4 s), so the
	// token of the connect is due 4 s later, and the refreshed one stays
	// good for 4 s, while both posts run.
	const ttl = 8 * time.Second
	sb := startSandbox(t, "--token-ttl", ttl.String())
	env := []string{"MM_DATA_DIR=" + t.TempDir(), "MM_SANDBOX_URL=" + sb}
	token := apiToken(t, env)
	p1 := startServe(t, env)
	p2 := startServe(t, env)
	acct := connectX(t, p1, token, sb, "")

	var list struct {
		Accounts []struct {
			ID             string    `json:"id"`
			TokenExpiresAt time.Time `json:"token_expires_at"`
		} `json:"accounts"`
	}
	if code, raw := call(t, "GET", p2.url+"/api/social/accounts", token, nil, &list); code != 200 || len(list.Accounts) != 1 {
		t.Fatalf("accounts: %d %s", code, raw)
	}
	if code, raw := call(t, "POST", sb+"/_sandbox/tokens/expire", "", map[string]string{"platform": "twitter"}, nil); code != 204 {
		t.Fatalf("expire tokens: %d %s", code, raw)
	}
	// Due in our store once within half its lifetime of expiring (plus
	// the store's rounding). The token's own refresh job (one across the
	// replicas) and the two posts race for it: whoever comes first, the
	// sandbox sees one refresh.
	refreshes := func() int { return sandboxCalls(t, sb, "POST", "/api.x.com/2/oauth2/token") }
	before := refreshes()
	due := list.Accounts[0].TokenExpiresAt.Add(-ttl/2 + 300*time.Millisecond)
	<-time.After(time.Until(due))
	type answer struct {
		code int
		raw  string
		out  struct {
			Success bool `json:"success"`
			Results []struct {
				Status         string `json:"status"`
				PlatformPostID string `json:"platform_post_id"`
				Error          string `json:"error"`
			} `json:"results"`
		}
		err error
	}
	answers := make([]answer, 2)
	var ready, wg sync.WaitGroup
	gate := make(chan struct{})
	for i, p := range []*proc{p1, p2} {
		ready.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := map[string]any{"account_id": acct.ID, "text": fmt.Sprintf("posted through replica %d at the same moment", i+1)}
			ready.Done()
			<-gate
			a := &answers[i]
			a.code, a.raw, a.err = tryCall("POST", p.url+"/api/social/post", token, body, &a.out)
		}()
	}
	ready.Wait()
	close(gate)
	wg.Wait()
	for i, a := range answers {
		if a.err != nil || a.code != 200 || !a.out.Success || len(a.out.Results) != 1 || a.out.Results[0].Status != "published" {
			t.Errorf("post through replica %d: %d %v %s", i+1, a.code, a.err, a.raw)
		}
	}
	if got := refreshes() - before; got != 1 {
		t.Errorf("%d refresh calls reached the sandbox, want exactly 1", got)
	}
	p1.stop(t)
	p2.stop(t)
}
