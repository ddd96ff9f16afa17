package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Helpers for the process-level tests of replicas_test.go: an external
// `marketingminds sandbox`, kill -9, the REST calls a person would make.

// startSandbox runs `marketingminds sandbox` on a free port (state in
// memory) and returns its base URL, read from its first line on stdout.
func startSandbox(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(buildBinary(t), append([]string{"sandbox", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "MM_LOG_LEVEL=warn")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-done })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "sandbox listening on "); ok {
				addr <- strings.Fields(rest)[0]
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatalf("sandbox exited before listening:\n%s", logs)
		}
		return a
	case <-time.After(30 * time.Second):
		t.Fatalf("sandbox did not start within 30 s:\n%s", logs)
	}
	return ""
}

// kill9 sends SIGKILL and waits for the process to be gone.
func (p *proc) kill9(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatal("serve still running 10 s after SIGKILL")
	}
}

var apiClient = &http.Client{Timeout: 30 * time.Second}

// call sends body (JSON) with the bearer token and decodes the JSON answer
// into out (when not nil); it returns the status and the raw answer.
func call(t *testing.T, method, u, token string, body, out any) (int, string) {
	t.Helper()
	code, raw, err := tryCall(method, u, token, body, out)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	return code, raw
}

// tryCall is call for goroutines other than the test's.
func tryCall(method, u, token string, body, out any) (int, string, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, "", err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		return 0, "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := apiClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, "", err
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, string(raw), fmt.Errorf("decode %s: %w", raw, err)
		}
	}
	return resp.StatusCode, string(raw), nil
}

// apiToken makes an admin API token for workspace T1 with `token create`.
func apiToken(t *testing.T, env []string) string {
	t.Helper()
	out, stderr, code := runCLI(t, env, "token", "create", "--workspace", "T1", "--user", "U1", "--role", "admin")
	if code != 0 {
		t.Fatalf("token create exited %d: %s", code, stderr)
	}
	return strings.TrimSpace(out)
}

type xAccount struct {
	ID         string `json:"id"`
	ExternalID string `json:"external_id"`
	Handle     string `json:"handle"`
	Status     string `json:"status"`
}

// connectX signs username in on the sandbox's X consent page ("" for the
// seeded user) and connects it through the REST flow of p, with a client
// that follows the redirects as a browser would. It returns the account.
func connectX(t *testing.T, p *proc, token, sandboxURL, username string) xAccount {
	t.Helper()
	var user struct{ ID string }
	if code, raw := call(t, "POST", sandboxURL+"/_sandbox/x/users", "", map[string]string{"username": username}, &user); code != 200 {
		t.Fatalf("sandbox x/users: %d %s", code, raw)
	}
	var conn struct {
		Success bool   `json:"success"`
		AuthURL string `json:"auth_url"`
	}
	if code, raw := call(t, "GET", p.url+"/api/social/connect/twitter", token, nil, &conn); code != 200 || !conn.Success {
		t.Fatalf("connect: %d %s", code, raw)
	}
	browser := &http.Client{Timeout: 30 * time.Second}
	resp, err := browser.Get(conn.AuthURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Request.URL.String(), p.url+"/api/social/callback/twitter") {
		t.Fatalf("consent and callback ended at %s with %d:\n%s", resp.Request.URL, resp.StatusCode, page)
	}
	var list struct {
		Accounts []xAccount `json:"accounts"`
	}
	if code, raw := call(t, "GET", p.url+"/api/social/accounts?platform=twitter", token, nil, &list); code != 200 {
		t.Fatalf("accounts: %d %s", code, raw)
	}
	for _, a := range list.Accounts {
		if a.ExternalID == user.ID {
			if a.Status != "connected" {
				t.Fatalf("account %+v after connect", a)
			}
			return a
		}
	}
	t.Fatalf("X user %s (%s) not among the accounts after connect: %+v", user.ID, username, list.Accounts)
	return xAccount{}
}

// readerToken is an X user token of the sandbox, obtained as a public
// client through consent and the token endpoint, for reading timelines.
func readerToken(t *testing.T, sandboxURL string) string {
	t.Helper()
	const verifier = "process-test-verifier-0123456789-0123456789-abcdef"
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {"process-test"}, "redirect_uri": {"https://reader.example/cb"},
		"scope": {"tweet.read users.read"}, "state": {"s"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"}}
	noFollow := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(sandboxURL + "/x.com/i/oauth2/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("consent: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"https://reader.example/cb"},
		"code_verifier": {verifier}, "client_id": {"process-test"}}
	resp, err = http.PostForm(sandboxURL+"/api.x.com/2/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	return tok.AccessToken
}

// timeline is every post on the sandbox by X user id: text → post ids.
func timeline(t *testing.T, sandboxURL, reader, userID string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	next := ""
	for range 1000 {
		u := sandboxURL + "/api.x.com/2/users/" + userID + "/tweets?max_results=100"
		if next != "" {
			u += "&pagination_token=" + url.QueryEscape(next)
		}
		var page struct {
			Data []struct{ ID, Text string } `json:"data"`
			Meta struct {
				NextToken string `json:"next_token"`
			} `json:"meta"`
		}
		if code, raw := call(t, "GET", u, reader, nil, &page); code != 200 {
			t.Fatalf("timeline of %s: %d %s", userID, code, raw)
		}
		for _, p := range page.Data {
			out[p.Text] = append(out[p.Text], p.ID)
		}
		if next = page.Meta.NextToken; next == "" {
			return out
		}
	}
	t.Fatal("timeline: too many pages")
	return nil
}

// sandboxCalls counts the requests the sandbox received for method on
// paths starting with path.
func sandboxCalls(t *testing.T, sandboxURL, method, path string) int {
	t.Helper()
	var n struct{ Calls int }
	if code, raw := call(t, "GET", sandboxURL+"/_sandbox/calls?method="+method+"&path="+url.QueryEscape(path), "", nil, &n); code != 200 {
		t.Fatalf("calls: %d %s", code, raw)
	}
	return n.Calls
}

// delivery is one target of a post as GET /api/social/posts shows it.
type delivery struct {
	AccountID      string `json:"account_id"`
	Status         string `json:"status"`
	PlatformPostID string `json:"platform_post_id"`
	Error          string `json:"error"`
}

type postView struct {
	ID      string `json:"id"`
	Content struct {
		Text string `json:"text"`
	} `json:"content"`
	Targets []delivery `json:"targets"`
}

// allPosts pages through GET /api/social/posts.
func allPosts(t *testing.T, baseURL, token string) []postView {
	t.Helper()
	var all []postView
	cursor := ""
	for range 10000 {
		u := baseURL + "/api/social/posts?limit=100"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Posts      []postView `json:"posts"`
			NextCursor string     `json:"next_cursor"`
		}
		if code, raw := call(t, "GET", u, token, nil, &page); code != 200 {
			t.Fatalf("posts: %d %s", code, raw)
		}
		all = append(all, page.Posts...)
		if cursor = page.NextCursor; cursor == "" {
			return all
		}
	}
	t.Fatal("posts: too many pages")
	return nil
}

// statusCounts counts deliveries by status.
func statusCounts(posts []postView) map[string]int {
	n := map[string]int{}
	for _, p := range posts {
		for _, d := range p.Targets {
			n[d.Status]++
		}
	}
	return n
}

func final(status string) bool {
	switch status {
	case "published", "failed", "unconfirmed", "cancelled":
		return true
	}
	return false
}

// waitPosts polls GET /api/social/posts until cond holds for the counts by
// status, failing at the deadline with the last counts.
func waitPosts(t *testing.T, baseURL, token string, within time.Duration, what string, cond func(map[string]int) bool) []postView {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		posts := allPosts(t, baseURL, token)
		n := statusCounts(posts)
		if cond(n) {
			return posts
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s; deliveries by status: %v", what, within, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// schedulePosts schedules posts × len(accounts) deliveries: post i (text
// prefix+i, to every account) is due at first + i×spread/posts; through
// is the serve that takes post i. It returns the texts in order.
func schedulePosts(t *testing.T, through func(i int) *proc, token string, accounts []xAccount, posts int, first time.Time, spread time.Duration, prefix string) []string {
	t.Helper()
	ids := make([]string, len(accounts))
	for i, a := range accounts {
		ids[i] = a.ID
	}
	texts := make([]string, posts)
	errs := make(chan error, posts)
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				at := first.Add(time.Duration(i) * spread / time.Duration(posts))
				body := map[string]any{"account_ids": ids, "text": texts[i], "scheduled_time": at.Format(time.RFC3339Nano)}
				var out struct {
					Success bool     `json:"success"`
					JobIDs  []string `json:"job_ids"`
				}
				code, raw, err := tryCall("POST", through(i).url+"/api/social/post/schedule", token, body, &out)
				if err == nil && (code != http.StatusCreated || !out.Success || len(out.JobIDs) != len(ids)) {
					err = fmt.Errorf("schedule %q: %d %s", texts[i], code, raw)
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range texts {
		texts[i] = fmt.Sprintf("%s %04d: a distinct post for the replica tests", prefix, i)
	}
	for i := range posts {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return texts
}

// checkExactlyOnce compares what our store says of every delivery with
// what the sandbox holds: each published delivery is on its account's
// timeline exactly once, with the post id we recorded; an unconfirmed one
// at most once; nothing else is final; and the sandbox holds nothing we did
// not schedule. It returns the counts by status.
func checkExactlyOnce(t *testing.T, sandboxURL string, posts []postView, accounts []xAccount, texts []string) map[string]int {
	t.Helper()
	reader := readerToken(t, sandboxURL)
	want := map[string]bool{}
	for _, s := range texts {
		want[s] = true
	}
	if len(posts) != len(texts) {
		t.Errorf("%d posts listed, %d scheduled", len(posts), len(texts))
	}
	byAccount := map[string]map[string][]string{} // account id → text → sandbox post ids
	for _, a := range accounts {
		tl := timeline(t, sandboxURL, reader, a.ExternalID)
		for text, ids := range tl {
			if !want[text] {
				t.Errorf("account %s: the sandbox holds a post we never scheduled: %q", a.Handle, text)
			}
			if len(ids) > 1 {
				t.Errorf("account %s: %q posted %d times (ids %v)", a.Handle, text, len(ids), ids)
			}
		}
		byAccount[a.ID] = tl
	}
	n := map[string]int{}
	var problems []string
	for _, p := range posts {
		if len(p.Targets) != len(accounts) {
			t.Errorf("post %q has %d targets, want %d", p.Content.Text, len(p.Targets), len(accounts))
		}
		for _, d := range p.Targets {
			n[d.Status]++
			on := byAccount[d.AccountID][p.Content.Text]
			switch d.Status {
			case "published":
				if len(on) != 1 || on[0] != d.PlatformPostID {
					problems = append(problems, fmt.Sprintf("%q to %s: published as %q, on the sandbox as %v", p.Content.Text, d.AccountID, d.PlatformPostID, on))
				}
			case "unconfirmed":
				if len(on) > 1 {
					problems = append(problems, fmt.Sprintf("%q to %s: unconfirmed, on the sandbox %d times", p.Content.Text, d.AccountID, len(on)))
				}
			default:
				problems = append(problems, fmt.Sprintf("%q to %s: %s (%s)", p.Content.Text, d.AccountID, d.Status, d.Error))
			}
		}
	}
	sort.Strings(problems)
	for i, p := range problems {
		if i == 20 {
			t.Errorf("… and %d more", len(problems)-20)
			break
		}
		t.Error(p)
	}
	return n
}

// jobOwners counts the completed jobs of the token's user by the owner
// (replica) of their last attempt.
func jobOwners(t *testing.T, baseURL, token string) map[string]int {
	t.Helper()
	owners := map[string]int{}
	cursor := ""
	for range 1000 {
		u := baseURL + "/api/jobs/user?status=completed&limit=500"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Jobs []struct {
				History []struct{ Owner string } `json:"history"`
			} `json:"jobs"`
			NextCursor string `json:"next_cursor"`
		}
		if code, raw := call(t, "GET", u, token, nil, &page); code != 200 {
			t.Fatalf("jobs: %d %s", code, raw)
		}
		for _, j := range page.Jobs {
			if len(j.History) > 0 {
				owners[j.History[len(j.History)-1].Owner]++
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			return owners
		}
	}
	t.Fatal("jobs: too many pages")
	return nil
}
