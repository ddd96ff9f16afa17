package httpapi

import (
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// TestPostsPatchTargets: PATCH changes a scheduled post's accounts (added
// one validated and scheduled, removed one cancelled) and content, in the
// brief's nested shape too; a target already final cannot be removed.
func TestPostsPatchTargets(t *testing.T) {
	t.Parallel()
	f := postsSetup(t)
	at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	resp, out, raw := f.send(t, "POST", "/api/social/post/schedule", identity.Editor, "", `{"account_id":"x1","content":{"text":"Move me"},"scheduled_time":"`+at+`"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("schedule = %d %s", resp.StatusCode, raw)
	}
	id := out["post_id"].(string)
	targets := func(out map[string]any) string {
		var s []string
		for _, x := range out["post"].(map[string]any)["targets"].([]any) {
			m := x.(map[string]any)
			s = append(s, m["account_id"].(string)+":"+m["status"].(string))
		}
		return strings.Join(s, ",")
	}
	cases := []struct {
		name, body string
		status     int
		code       string
		targets    string // on success
		message    string // on failure
	}{
		{"swap x1 for x2, new text", `{"account_ids":["x2"],"content":{"text":"Moved"}}`, 200, "", "x1:cancelled,x2:pending", ""},
		{"add x1 back", `{"account_ids":["x2","x1"],"user_id":"U-editor"}`, 200, "", "x1:cancelled,x2:pending,x1:pending", ""},
		{"unknown account", `{"account_ids":["x2","zz"]}`, 400, "invalid_post", "", "account zz is not connected"},
		{"conflicting text", `{"text":"A","content":{"text":"B"}}`, 400, "conflicting_fields", "", "content.text"},
		{"someone else", `{"account_ids":["x2"],"user_id":"U-admin"}`, 403, "user_mismatch", "", "U-admin"},
	}
	for _, tc := range cases {
		resp, out, raw := f.send(t, "PATCH", "/api/social/posts/"+id, identity.Editor, "", tc.body)
		if resp.StatusCode != tc.status || errCode(out) != tc.code {
			t.Fatalf("%s: %d %s; want %d %q", tc.name, resp.StatusCode, raw, tc.status, tc.code)
		}
		if tc.code != "" {
			if !strings.Contains(raw, tc.message) {
				t.Fatalf("%s: %s; want it to say %q", tc.name, raw, tc.message)
			}
			continue
		}
		if got := targets(out); got != tc.targets {
			t.Fatalf("%s: targets %s, want %s", tc.name, got, tc.targets)
		}
	}
	// A post published now: its targets are final and cannot be removed.
	resp, out, raw = f.send(t, "POST", "/api/social/post", identity.Editor, "", `{"account_ids":["x1","x2"],"content":{"text":"Out already"}}`)
	if resp.StatusCode != 200 || out["success"] != true {
		t.Fatalf("publish = %d %s", resp.StatusCode, raw)
	}
	resp, out, raw = f.send(t, "PATCH", "/api/social/posts/"+out["post_id"].(string), identity.Editor, "", `{"account_ids":["x2"]}`)
	if resp.StatusCode != 409 || errCode(out) != "conflict" || !strings.Contains(raw, "the post to x1 is already published; it can no longer be removed") {
		t.Fatalf("removing a published target = %d %s", resp.StatusCode, raw)
	}
}
