package httpapi

import (
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// TestPostsCampaign: a post carries the campaign id it was created with, and
// GET /api/social/posts?campaign_id= lists only that campaign's posts.
func TestPostsCampaign(t *testing.T) {
	t.Parallel()
	f := postsSetup(t)
	at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	bodies := []string{
		`{"account_id":"x1","text":"Spring one","campaign_id":"spring"}`,
		`{"account_id":"x1","text":"Spring two","campaign_id":"spring","scheduled_time":"` + at + `"}`,
		`{"account_id":"x2","text":"No campaign"}`,
	}
	paths := []string{"/api/social/post", "/api/social/post/schedule", "/api/social/post"}
	for i, b := range bodies {
		if resp, _, raw := f.send(t, "POST", paths[i], identity.Editor, "", b); resp.StatusCode/100 != 2 {
			t.Fatalf("create %d = %d %s", i, resp.StatusCode, raw)
		}
	}
	cases := []struct {
		query    string
		want     int
		campaign string // every post listed is in it; "" not checked
	}{
		{"?campaign_id=spring", 2, "spring"},
		{"?campaign_id=summer", 0, ""},
		{"", 3, ""},
	}
	for _, tc := range cases {
		resp, out, raw := f.send(t, "GET", "/api/social/posts"+tc.query, identity.Viewer, "", "")
		posts, _ := out["posts"].([]any)
		if resp.StatusCode != 200 || len(posts) != tc.want {
			t.Fatalf("list %q = %d %s; want %d posts", tc.query, resp.StatusCode, raw, tc.want)
		}
		for _, p := range posts {
			post := p.(map[string]any)
			text, _ := post["content"].(map[string]any)["text"].(string)
			if c, _ := post["campaign_id"].(string); tc.campaign != "" && (c != tc.campaign || !strings.HasPrefix(text, "Spring")) {
				t.Fatalf("list %q: post %v; want only campaign %q", tc.query, post, tc.campaign)
			}
		}
	}
}
