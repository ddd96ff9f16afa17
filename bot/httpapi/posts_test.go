package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// fakePlatform accepts every post and counts them.
type fakePlatform struct {
	mu    sync.Mutex
	posts []platform.RecentPost
}

func (p *fakePlatform) Publish(ctx context.Context, t platform.Target, post platform.Post) (platform.Published, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	id := fmt.Sprint(len(p.posts) + 1)
	p.posts = append(p.posts, platform.RecentPost{ID: id, Text: post.Text, CreatedAt: time.Now()})
	return platform.Published{ID: id, URL: "https://x.com/i/status/" + id}, nil
}

func (p *fakePlatform) RecentPosts(ctx context.Context, t platform.Target, since time.Time) ([]platform.RecentPost, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]platform.RecentPost(nil), p.posts...), nil
}

func (p *fakePlatform) count() int { p.mu.Lock(); defer p.mu.Unlock(); return len(p.posts) }

type fakeAccounts struct{}

func (fakeAccounts) Account(ctx context.Context, ws, id string) (publish.Account, error) {
	if ws != "T1" || (id != "x1" && id != "x2") {
		return publish.Account{}, publish.ErrUnknownAccount
	}
	return publish.Account{ID: id, WorkspaceID: ws, Platform: platform.Twitter, ExternalID: "ext-" + id, Connected: true}, nil
}
func (fakeAccounts) Token(ctx context.Context, ws, id string) (string, error) { return "tok", nil }
func (fakeAccounts) RefreshToken(ctx context.Context, ws, id, _ string) (string, error) {
	return "tok", nil
}

type fakeJobs struct {
	mu sync.Mutex
	n  int
}

func (j *fakeJobs) EnqueueDeliveries(ctx context.Context, specs []publish.JobSpec) ([]string, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var ids []string
	for range specs {
		j.n++
		ids = append(ids, fmt.Sprintf("job%d", j.n))
	}
	return ids, nil
}
func (j *fakeJobs) CancelJob(ctx context.Context, ws, id string) error             { return nil }
func (j *fakeJobs) MoveJob(ctx context.Context, ws, id string, at time.Time) error { return nil }

type postsFixture struct {
	*fixture
	x *fakePlatform
}

func postsSetup(t *testing.T) *postsFixture {
	t.Helper()
	db := storetest.Open(t, store.SQLite, identity.Schema, publish.Schema)
	ids := identity.NewService(identity.NewStore(db), time.Now)
	x := &fakePlatform{}
	svc, err := publish.New(publish.Config{Store: publish.NewStore(db), Accounts: fakeAccounts{}, Jobs: &fakeJobs{}, Log: zerolog.Nop(),
		Adapters: map[platform.Name]publish.Adapter{platform.Twitter: x}})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	s := New(Deps{Log: zerolog.Nop(), Identity: ids, Store: db, Registry: reg, Posts: svc})
	f := &fixture{srv: httptest.NewServer(s.Handler()), ids: ids, db: db, reg: reg, tokens: map[identity.Role]string{}}
	t.Cleanup(f.srv.Close)
	for _, r := range []identity.Role{identity.Admin, identity.Editor, identity.Viewer} {
		tok, err := ids.CreateToken(context.Background(), "T1", "U-"+string(r), r, "")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[r] = tok.Token
	}
	return &postsFixture{fixture: f, x: x}
}

func (f *postsFixture) send(t *testing.T, method, path string, role identity.Role, key, body string) (*http.Response, map[string]any, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp, out, string(raw)
}

func errCode(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func TestPostsPublishAndIdempotency(t *testing.T) {
	f := postsSetup(t)
	body := `{"account_ids":["x1","x2"],"text":"Hello from the API"}`
	resp, out, raw := f.send(t, "POST", "/api/social/post/multiple", identity.Editor, "k-1", body)
	if resp.StatusCode != 200 || out["success"] != true || len(out["results"].([]any)) != 2 {
		t.Fatalf("publish = %d %s", resp.StatusCode, raw)
	}
	r0 := out["results"].([]any)[0].(map[string]any)
	for _, k := range []string{"account_id", "platform", "status", "platform_post_id", "url", "error"} {
		if _, ok := r0[k]; !ok {
			t.Errorf("result lacks %q: %v", k, r0)
		}
	}
	// The same key again: the first answer, nothing published.
	resp2, _, raw2 := f.send(t, "POST", "/api/social/post/multiple", identity.Editor, "k-1", body)
	if resp2.StatusCode != 200 || raw2 != raw || resp2.Header.Get("Idempotent-Replayed") != "true" || f.x.count() != 2 {
		t.Fatalf("replay = %d %s (replayed %q), %d posts", resp2.StatusCode, raw2, resp2.Header.Get("Idempotent-Replayed"), f.x.count())
	}
	// The same key with another body is refused.
	if resp, out, _ := f.send(t, "POST", "/api/social/post/multiple", identity.Editor, "k-1", `{"account_id":"x1","text":"other"}`); resp.StatusCode != 422 ||
		errCode(out) != "idempotency_key_reused" {
		t.Fatalf("reused key = %d %v", resp.StatusCode, out)
	}
	// A new key with the same text: the duplicate guard answers 409.
	resp, out, raw = f.send(t, "POST", "/api/social/post", identity.Editor, "k-2", `{"account_id":"x1","text":"Hello from the API"}`)
	if resp.StatusCode != 409 || errCode(out) != "duplicate_post" || len(out["problems"].([]any)) != 1 {
		t.Fatalf("duplicate = %d %s", resp.StatusCode, raw)
	}
	resp, out, _ = f.send(t, "POST", "/api/social/post", identity.Editor, "", `{"account_id":"x1","text":"Hello from the API","allow_duplicate":true}`)
	if resp.StatusCode != 200 || out["success"] != true || f.x.count() != 3 {
		t.Fatalf("allow_duplicate = %d %v", resp.StatusCode, out)
	}
}

func TestPostsValidationAndRoles(t *testing.T) {
	f := postsSetup(t)
	resp, out, raw := f.send(t, "POST", "/api/social/post/multiple", identity.Editor, "",
		`{"account_ids":["x1","nope"],"text":"`+strings.Repeat("a", 281)+`","image_url":"ftp://x/y.png"}`)
	if resp.StatusCode != 400 || errCode(out) != "invalid_post" || len(out["problems"].([]any)) != 3 || f.x.count() != 0 {
		t.Fatalf("invalid = %d %s", resp.StatusCode, raw)
	}
	if resp, _, _ := f.send(t, "POST", "/api/social/post", identity.Viewer, "", `{"account_id":"x1","text":"hi"}`); resp.StatusCode != 403 {
		t.Fatalf("viewer publishing = %d", resp.StatusCode)
	}
	if resp, out, _ := f.send(t, "POST", "/api/social/post", identity.Editor, "", `{"account_id":"x1","text":"hi","bogus":1}`); resp.StatusCode != 400 || errCode(out) != "invalid_json" {
		t.Fatalf("unknown field = %d %v", resp.StatusCode, out)
	}
}

func TestPostsScheduleListEdit(t *testing.T) {
	f := postsSetup(t)
	resp, _, raw := f.send(t, "POST", "/api/social/post/schedule", identity.Editor, "", `{"account_id":"x1","text":"Later","scheduled_time":"2001-01-01T09:00:00Z"}`)
	if resp.StatusCode != 400 || !strings.Contains(raw, "in the past") {
		t.Fatalf("past = %d %s", resp.StatusCode, raw)
	}
	at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	resp, out, raw := f.send(t, "POST", "/api/social/post/schedule", identity.Editor, "", `{"account_id":"x1","text":"Later","scheduled_time":"`+at+`"}`)
	if resp.StatusCode != 201 || out["success"] != true || len(out["job_ids"].([]any)) != 1 {
		t.Fatalf("schedule = %d %s", resp.StatusCode, raw)
	}
	id := out["post_id"].(string)

	later := time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	resp, out, raw = f.send(t, "PATCH", "/api/social/posts/"+id, identity.Editor, "", `{"text":"Later, edited","scheduled_time":"`+later+`"}`)
	post, _ := out["post"].(map[string]any)
	if resp.StatusCode != 200 || post["content"].(map[string]any)["text"] != "Later, edited" || post["status"] != "scheduled" {
		t.Fatalf("patch = %d %s", resp.StatusCode, raw)
	}
	resp, out, raw = f.send(t, "GET", "/api/social/posts?limit=10", identity.Viewer, "", "")
	posts, _ := out["posts"].([]any)
	if resp.StatusCode != 200 || out["success"] != true || len(posts) != 1 {
		t.Fatalf("list = %d %s", resp.StatusCode, raw)
	}
	target := posts[0].(map[string]any)["targets"].([]any)[0].(map[string]any)
	if target["account_id"] != "x1" || target["platform"] != "twitter" || target["status"] != "pending" {
		t.Fatalf("target = %v", target)
	}
	// Another workspace's token cannot see it.
	tok, err := f.ids.CreateToken(context.Background(), "T2", "U-9", identity.Admin, "")
	if err != nil {
		t.Fatal(err)
	}
	f.tokens["other"] = tok.Token
	if resp, out, _ := f.send(t, "GET", "/api/social/posts/"+id, "other", "", ""); resp.StatusCode != 404 || errCode(out) != "not_found" {
		t.Fatalf("another workspace = %d %v", resp.StatusCode, out)
	}
	if resp, _, raw := f.send(t, "POST", "/api/social/posts/"+id+"/retry", identity.Editor, "", ""); resp.StatusCode != 409 {
		t.Fatalf("retry with nothing failed = %d %s", resp.StatusCode, raw)
	}
	if resp, out, raw := f.send(t, "POST", "/api/social/posts/"+id+"/cancel", identity.Editor, "", ""); resp.StatusCode != 200 ||
		out["post"].(map[string]any)["status"] != "cancelled" {
		t.Fatalf("cancel = %d %s", resp.StatusCode, raw)
	}
}
