package publish

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/safehttp"
)

// zone is a resolver over a fixed table; other names do not exist.
type zone map[string]string

func (z zone) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	ip, ok := z[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return []netip.Addr{netip.MustParseAddr(ip)}, nil
}

// TestMediaHostsCheckedWhenPostIsMade (issue 20, point 2): a media URL on a
// private address (the cloud metadata address, loopback, a name that
// resolves to one) or on a host that does not exist is refused when the
// post is made, scheduled or edited, naming the field, with nothing stored
// or sent; public hosts and the one allowed authority (the sandbox's own)
// pass.
func TestMediaHostsCheckedWhenPostIsMade(t *testing.T) {
	t.Parallel()
	media := safehttp.New(safehttp.Options{Allow: []string{"127.0.0.1:8090"}, Resolver: zone{
		"cdn.example.com": "93.184.216.34", "intranet.example.com": "10.1.2.3"}})
	b := setup(t, func(c *Config) { c.MediaHosts = media })
	refused := func(what string, err error, field string) {
		t.Helper()
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != field {
			t.Fatalf("%s: %v; want one problem on %s", what, err, field)
		}
		if m := ve.Problems[0].Message; strings.Contains(m, "169.254") || strings.Contains(m, "intranet") {
			t.Errorf("%s: the message %q echoes the URL", what, m)
		}
	}
	for _, tc := range []struct {
		name    string
		content Content
		field   string
	}{
		{"cloud metadata", Content{Text: "x", ImageURLs: []string{"http://169.254.169.254/latest/meta-data/iam"}}, "image_urls"},
		{"loopback", Content{Text: "x", VideoURL: "http://127.0.0.1:6379/v.mp4"}, "video_url"},
		{"the sandbox's host, another port", Content{Text: "x", ImageURLs: []string{"http://127.0.0.1:8091/a.jpg"}}, "image_urls"},
		{"a name for a private address", Content{Text: "x", ImageURLs: []string{"https://cdn.example.com/a.jpg", "https://intranet.example.com/a.jpg"}}, "image_urls"},
		{"a host that does not exist", Content{Text: "x", ImageURLs: []string{"https://gone.example.com/a.jpg"}}, "image_urls"},
	} {
		_, err := b.svc.PublishNow(ctx, b.editor, Request{Content: tc.content, AccountIDs: []string{"x1"}})
		refused("publish now, "+tc.name, err, tc.field)
		_, err = b.svc.Schedule(ctx, b.editor, Request{Content: tc.content, AccountIDs: []string{"x1"}}, t0.Add(time.Hour))
		refused("schedule, "+tc.name, err, tc.field)
	}
	if posts, err := b.st.ListPosts(ctx, "W1", PostFilter{}, 10, Cursor{}); err != nil || len(posts) != 0 {
		t.Fatalf("refused posts stored: %d (%v)", len(posts), err)
	}
	if b.x.calls() != 0 {
		t.Fatalf("%d sends for refused posts", b.x.calls())
	}

	ok := Content{Text: "fine", ImageURLs: []string{"https://cdn.example.com/a.jpg", "http://127.0.0.1:8090/media/b.jpg"}}
	sch, err := b.svc.Schedule(ctx, b.editor, Request{Content: ok, AccountIDs: []string{"x1"}}, t0.Add(time.Hour))
	if err != nil {
		t.Fatalf("public media and the sandbox's own: %v", err)
	}
	bad := []string{"http://169.254.169.254/latest/meta-data/"}
	_, err = b.svc.Update(ctx, b.editor, sch.PostID, Patch{ImageURLs: &bad})
	refused("edit", err, "image_urls")
	if d := b.delivery(t, sch.PostID, "x1"); d.Body.ImageURLs[0] != ok.ImageURLs[0] {
		t.Fatalf("a refused edit changed the delivery: %v", d.Body.ImageURLs)
	}
}
