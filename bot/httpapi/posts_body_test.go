package httpapi

import (
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// TestPostsBriefShape: the brief's own request bodies (nested "content",
// "user_id") publish and schedule; the flat shape still does; both shapes at
// once must agree; a user_id that is not the token's user is a 403.
func TestPostsBriefShape(t *testing.T) {
	t.Parallel()
	f := postsSetup(t)
	me := "U-" + string(identity.Editor)
	at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	cases := []struct {
		name, path, body string
		status           int
		code             string // error code, or "" for success
		message          string // in the error message
	}{
		{"brief: one account", "/api/social/post",
			`{"account_id":"x1","content":{"text":"Brief shape one","image_url":"https://img.example/a.png","link":"https://example.com/a"},"user_id":"` + me + `"}`,
			200, "", ""},
		{"brief: several accounts", "/api/social/post/multiple",
			`{"account_ids":["x1","x2"],"content":{"text":"Brief shape several"},"user_id":"` + me + `"}`, 200, "", ""},
		{"brief: scheduled", "/api/social/post/schedule",
			`{"account_id":"x1","content":{"text":"Brief shape later","image_urls":["https://img.example/b.png"]},"scheduled_time":"` + at + `","user_id":"` + me + `"}`,
			201, "", ""},
		{"flat shape", "/api/social/post", `{"account_id":"x2","text":"Flat shape"}`, 200, "", ""},
		{"both shapes agreeing", "/api/social/post", `{"account_id":"x2","text":"Both shapes","content":{"text":"Both shapes"}}`, 200, "", ""},
		{"text differs", "/api/social/post", `{"account_id":"x1","text":"One","content":{"text":"Two"}}`,
			400, "conflicting_fields", "content.text and the top-level text differ"},
		{"image differs", "/api/social/post/schedule", `{"account_id":"x1","image_url":"https://img.example/a.png","content":{"text":"x","image_url":"https://img.example/b.png"},"scheduled_time":"` + at + `"}`,
			400, "conflicting_fields", "content.image_url"},
		{"thread differs", "/api/social/post", `{"account_id":"x1","thread":["a","b"],"content":{"thread":["a","c"]}}`,
			400, "conflicting_fields", "content.thread"},
		{"another user", "/api/social/post", `{"account_id":"x1","content":{"text":"As someone else"},"user_id":"U-admin"}`,
			403, "user_mismatch", "U-admin\\\" is not the user this API token belongs to"},
		{"unknown content field", "/api/social/post", `{"account_id":"x1","content":{"text":"x","colour":"red"}}`,
			400, "invalid_json", "colour"},
	}
	for _, tc := range cases {
		before := f.x.count()
		resp, out, raw := f.send(t, "POST", tc.path, identity.Editor, "", tc.body)
		if resp.StatusCode != tc.status || errCode(out) != tc.code || !strings.Contains(raw, tc.message) {
			t.Fatalf("%s: %d %s; want %d %q with %q", tc.name, resp.StatusCode, raw, tc.status, tc.code, tc.message)
		}
		if tc.code != "" {
			if f.x.count() != before {
				t.Fatalf("%s: refused, yet %d posts were sent", tc.name, f.x.count()-before)
			}
			continue
		}
		if out["success"] != true {
			t.Fatalf("%s: %s; want success", tc.name, raw)
		}
		if tc.status == 200 {
			results, _ := out["results"].([]any)
			if len(results) == 0 || results[0].(map[string]any)["status"] != "published" {
				t.Fatalf("%s: results %v", tc.name, out["results"])
			}
		}
	}
	// What was stored is the nested content, image first.
	_, out, raw := f.send(t, "GET", "/api/social/posts?limit=100", identity.Viewer, "", "")
	found := false
	for _, p := range out["posts"].([]any) {
		c := p.(map[string]any)["content"].(map[string]any)
		if c["text"] == "Brief shape one" {
			imgs, _ := c["image_urls"].([]any)
			found = len(imgs) == 1 && imgs[0] == "https://img.example/a.png" && c["link"] == "https://example.com/a"
		}
	}
	if !found {
		t.Fatalf("the brief-shaped post was not stored with its image and link: %s", raw)
	}
}
