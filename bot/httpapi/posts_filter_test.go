package httpapi

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// TestPostsFilters: GET /api/social/posts?status=&platform=&from=&to= lists
// only the matching posts, and a bad value is a 400 saying which one.
func TestPostsFilters(t *testing.T) {
	t.Parallel()
	f := postsSetup(t)
	now := time.Now().UTC()
	later := now.Add(48 * time.Hour)
	bodies := []struct{ path, body string }{
		{"/api/social/post", `{"account_id":"x1","text":"Sent now"}`},
		{"/api/social/post/schedule", `{"account_id":"x1","text":"Sent later","scheduled_time":"` + later.Format(time.RFC3339) + `"}`},
	}
	for i, b := range bodies {
		if resp, _, raw := f.send(t, "POST", b.path, identity.Editor, "", b.body); resp.StatusCode/100 != 2 {
			t.Fatalf("create %d = %d %s", i, resp.StatusCode, raw)
		}
	}
	cases := []struct {
		query string
		want  []string // the posts' texts, newest first
	}{
		{"status=published", []string{"Sent now"}},
		{"status=pending", []string{"Sent later"}},
		{"platform=twitter", []string{"Sent later", "Sent now"}},
		{"platform=linkedin", nil},
		{"status=pending&platform=twitter", []string{"Sent later"}},
		{"from=" + url.QueryEscape(now.Add(24*time.Hour).Format(time.RFC3339)), []string{"Sent later"}},
		{"to=" + now.Format("2006-01-02"), []string{"Sent now"}},
		{"from=" + now.Format("2006-01-02") + "&to=" + later.Format("2006-01-02"), []string{"Sent later", "Sent now"}},
	}
	for _, tc := range cases {
		resp, out, raw := f.send(t, "GET", "/api/social/posts?"+tc.query, identity.Viewer, "", "")
		if resp.StatusCode != 200 {
			t.Fatalf("list %q = %d %s", tc.query, resp.StatusCode, raw)
		}
		posts, _ := out["posts"].([]any)
		var got []string
		for _, p := range posts {
			text, _ := p.(map[string]any)["content"].(map[string]any)["text"].(string)
			got = append(got, text)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Fatalf("list %q = %v; want %v", tc.query, got, tc.want)
		}
	}

	bad := []struct{ query, want string }{
		{"status=scheduled", `status "scheduled" is not one of`},
		{"platform=myspace", `platform "myspace" is not one of`},
		{"from=yesterday", `from: "yesterday" is neither a date`},
		{"to=2026-13-01", `to: "2026-13-01" is neither a date`},
		{"from=2026-12-05&to=2026-12-01", "the window must end after it starts"},
	}
	for _, tc := range bad {
		resp, out, raw := f.send(t, "GET", "/api/social/posts?"+tc.query, identity.Viewer, "", "")
		msg, _ := out["error"].(map[string]any)["message"].(string)
		if resp.StatusCode != 400 || !strings.Contains(msg, tc.want) {
			t.Fatalf("list %q = %d %s; want 400 saying %q", tc.query, resp.StatusCode, raw, tc.want)
		}
	}
}
