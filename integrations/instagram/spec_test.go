package instagram_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/instagram"
	"github.com/marketingminds/marketingminds/integrations/platform"
)

type codegenSpec struct {
	APIs []struct {
		Method   string `json:"method"`
		Endpoint string `json:"endpoint"`
		Params   []struct {
			Name string `json:"name"`
		} `json:"params"`
	} `json:"apis"`
	Fields []struct {
		Name string `json:"name"`
	} `json:"fields"`
}

func loadSpec(t *testing.T, name string) codegenSpec {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "reference", "specs", "facebook-codegen", name)
	data, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		t.Skipf("Meta's codegen spec %s is not beside the repository (../shared)", p)
	}
	if err != nil {
		t.Fatal(err)
	}
	var s codegenSpec
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s codegenSpec) edgeParams(method, edge string) ([]string, bool) {
	for _, a := range s.APIs {
		if a.Method == method && a.Endpoint == edge {
			var out []string
			for _, p := range a.Params {
				out = append(out, p.Name)
			}
			return out, true
		}
	}
	return nil, false
}

func (s codegenSpec) field(name string) bool {
	for _, f := range s.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// graphWide: field expansion and paging parameters every Graph read takes.
var graphWide = []string{"access_token", "fields", "limit", "after", "before", "since", "until"}

var igPath = regexp.MustCompile(`^/graph\.facebook\.com/v\d+\.\d+/(\d{17})(?:/([^/]+))?$`)

// TestRequestsMatchCodegenSpec checks every parameter the adapter sends to an
// IG user or IG media edge, and every field it reads from them, against
// Meta's IGUser.json and IGMedia.json. Container status reads
// (status_code, status) are on IGContainer, which the codegen set lacks.
func TestRequestsMatchCodegenSpec(t *testing.T) {
	user, media := loadSpec(t, "IGUser.json"), loadSpec(t, "IGMedia.json")
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
			declared, found := spec.edgeParams(r.Method, edge)
			if !found {
				t.Errorf("%s %s: edge not in the spec", r.Method, r.URL.Path)
				continue
			}
			for name := range r.Form {
				if !slices.Contains(declared, name) && !slices.Contains(graphWide, name) {
					t.Errorf("%s %s: parameter %q is not declared", r.Method, r.URL.Path, name)
				}
			}
		} else {
			for _, f := range strings.Split(r.Form.Get("fields"), ",") {
				if f != "" && !spec.field(f) {
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
