package main

import (
	"net/http"
	"testing"
	"time"
)

// TestKill9DuringPublishNow (issue 20, point 11): kill -9 of serve while a
// publish-now is sending (the platform takes its time), then a restart on
// the same data: the delivery is final within the scheduler's lease plus
// 10 s, as a scheduled one cut off the same way is, not after a 10-minute
// watchdog; published at most once.
func TestKill9DuringPublishNow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	t.Parallel()
	const lease = 30 * time.Second
	sb := startSandbox(t)
	env := []string{"MM_DATA_DIR=" + t.TempDir(), "MM_SANDBOX_URL=" + sb}
	token := apiToken(t, env)
	p := startServe(t, env)
	x := connectX(t, p, token, sb, "nowcrash")
	fault := map[string]any{"platform": "twitter", "method": "POST", "path": "/2/tweets", "latency": "2s"}
	if code, raw := call(t, "POST", sb+"/_sandbox/faults", "", fault, nil); code != 201 {
		t.Fatalf("latency fault: %d %s", code, raw)
	}
	const text = "Sent now, cut off by a crash"
	sent := make(chan error, 1)
	go func() {
		_, _, err := tryCall("POST", p.url+"/api/social/post", token, map[string]any{"account_ids": []string{x.ID}, "content": map[string]any{"text": text}}, nil)
		sent <- err // the kill cuts it off
	}()
	before := waitPosts(t, p.url, token, 30*time.Second, "the delivery publishing", func(n map[string]int) bool { return n["publishing"] == 1 })
	p.kill9(t)
	<-sent
	t.Logf("killed with deliveries by status %v", statusCounts(before))

	p2 := startServe(t, env)
	restarted := time.Now()
	after := waitPosts(t, p2.url, token, lease+10*time.Second, "the delivery final within the lease plus 10 s", func(n map[string]int) bool {
		return n["published"]+n["unconfirmed"] == 1
	})
	t.Logf("final %s after the restart: %v", time.Since(restarted).Round(time.Millisecond), statusCounts(after))
	if n := sandboxCalls(t, sb, http.MethodPost, "/api.x.com/2/tweets"); n != 1 {
		t.Errorf("the sandbox got %d posts; want the one, never sent again", n)
	}
	p2.stop(t)
}
