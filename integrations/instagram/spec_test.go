package instagram_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/facebook/graphspec"
	"github.com/marketingminds/marketingminds/integrations/instagram"
	"github.com/marketingminds/marketingminds/integrations/platform"
)

var igPath = regexp.MustCompile(`^/graph\.facebook\.com/v\d+\.\d+/(\d{17})(?:/([^/]+))?$`)

// TestRequestsMatchCodegenSpec checks every parameter the adapter sends to an
// IG user or IG media edge, and every field it reads from them, against
// Meta's IGUser.json and IGMedia.json. Container status reads
// (status_code, status) are on IGContainer, which the codegen set lacks.
func TestRequestsMatchCodegenSpec(t *testing.T) {
	user, media := graphspec.Load(t, "IGUser.json"), graphspec.Load(t, "IGMedia.json")
	b := setup(t, 3*time.Millisecond, instagram.Config{PollInterval: time.Millisecond})
	var mu sync.Mutex
	var reqs []*http.Request
	rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		reqs = append(reqs, r)
		mu.Unlock()
		b.sb.ServeHTTP(w, r)
	}))
	defer rec.Close()
	c := instagram.NewClient(rec.Client(), platform.Hosts{Sandbox: rec.URL}, instagram.Config{PollInterval: time.Millisecond})
	ctx := context.Background()
	var ids []string
	for _, p := range []platform.Post{
		{Text: "i", ImageURLs: []string{"https://example.com/a.jpg"}}, {Text: "r", VideoURL: "https://example.com/r.mp4"},
		{Text: "c", ImageURLs: []string{"https://example.com/1.jpg"}, VideoURL: "https://example.com/2.mp4"},
	} {
		pub, err := c.Publish(ctx, b.target, p)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, pub.ID)
	}
	if _, err := c.RecentPosts(ctx, b.target, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PostMetrics(ctx, b.target, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.PublishingLimit(ctx, b.target); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AccountMetrics(ctx, b.target); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range reqs {
		m := igPath.FindStringSubmatch(r.URL.Path)
		if m == nil {
			continue
		}
		spec := media
		if m[1] == b.target.ExternalID {
			spec = user
		} else if !slices.Contains(ids, m[1]) {
			continue // a container status read
		}
		if edge := m[2]; edge != "" {
			declared, found := spec.Params(r.Method, edge)
			if !found {
				t.Errorf("%s %s: edge not in the spec", r.Method, r.URL.Path)
				continue
			}
			for name := range r.Form {
				if !slices.Contains(declared, name) && !slices.Contains(graphspec.GraphWide, name) {
					t.Errorf("%s %s: parameter %q is not declared", r.Method, r.URL.Path, name)
				}
			}
		} else {
			for _, f := range strings.Split(r.Form.Get("fields"), ",") {
				if f != "" && !spec.HasField(f) {
					t.Errorf("%s %s: field %q is not a field of the node", r.Method, r.URL.Path, f)
				}
			}
		}
		checked++
	}
	if checked < 12 {
		t.Errorf("checked %d requests", checked)
	}
}
