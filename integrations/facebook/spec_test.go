package facebook_test

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

	"github.com/marketingminds/marketingminds/integrations/facebook"
	"github.com/marketingminds/marketingminds/integrations/facebook/graphspec"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
)

type recorded struct {
	method, path string
	params       map[string][]string
}

// recorder keeps every request the adapter sends through to the sandbox.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
	next http.Handler
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, recorded{r.Method, r.URL.Path, r.Form})
	rec.mu.Unlock()
	rec.next.ServeHTTP(w, r)
}

var graphPath = regexp.MustCompile(`^/graph\.facebook\.com/v\d+\.\d+/([^/]+)(?:/([^/]+))?$`)

// TestRequestsMatchCodegenSpec publishes every kind of post and reads
// everything back, then checks each parameter sent to a Page edge, and each
// field asked of a Page or post, against Meta's own description of it.
func TestRequestsMatchCodegenSpec(t *testing.T) {
	page, post := graphspec.Load(t, "Page.json"), graphspec.Load(t, "PagePost.json")
	video := graphspec.Load(t, "AdVideo.json")
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{next: sb}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c := facebook.NewClient(srv.Client(), platform.Hosts{Sandbox: srv.URL}, facebook.Config{ClientID: "a", ClientSecret: "b"})
	b := &bundle{sb: &sandboxtest.Server{Sandbox: sb, URL: srv.URL, Hosts: platform.Hosts{Sandbox: srv.URL}, Client: srv.Client()}, client: c}
	tok := b.login(t)
	target := b.page(t, tok, "Acme Coffee")
	ctx := context.Background()
	for _, p := range []platform.Post{
		{Text: "t"}, {Text: "l", Link: "https://example.com"}, {Text: "i", ImageURLs: []string{"https://example.com/a.jpg"}},
		{Text: "m", ImageURLs: []string{"https://example.com/a.jpg", "https://example.com/b.jpg"}}, {Text: "v", VideoURL: "https://example.com/v.mp4"},
	} {
		pub, err := c.Publish(ctx, target, p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.PostMetrics(ctx, target, pub.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.RecentPosts(ctx, target, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AccountMetrics(ctx, target); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range rec.reqs {
		m := graphPath.FindStringSubmatch(r.path)
		if m == nil || m[1] == "oauth" || m[1] == "me" {
			continue
		}
		node, edge := m[1], m[2]
		spec := post
		switch {
		case node == target.ExternalID:
			spec = page
		case !strings.Contains(node, "_"):
			spec = video // the video read-back
		}
		if edge != "" {
			declared, found := spec.Params(r.method, edge)
			if !found {
				t.Errorf("%s %s: edge %q is not in the spec", r.method, r.path, edge)
				continue
			}
			for name := range r.params {
				if !slices.Contains(declared, name) && !slices.Contains(graphspec.GraphWide, name) {
					t.Errorf("%s %s: parameter %q is not declared for edge %s", r.method, r.path, name, edge)
				}
			}
		}
		for _, f := range strings.Split(strings.Join(r.params["fields"], ","), ",") {
			name, _, _ := strings.Cut(f, ".")
			_, isEdge := spec.Params(http.MethodGet, name) // field expansion of an edge
			if name != "" && edge == "" && !spec.HasField(name) && !isEdge {
				t.Errorf("%s %s: field %q is not a field of the node", r.method, r.path, name)
			}
		}
		checked++
	}
	if checked < 15 {
		t.Errorf("checked %d requests, want every Page and post call", checked)
	}
}
