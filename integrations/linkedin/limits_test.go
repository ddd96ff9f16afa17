package linkedin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/linkedin"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
)

// TestLinkedInMediaRefusalsNameTheLimit: an upload LinkedIn's processing
// fails (status PROCESSING_FAILED) is a permanent error whose message names
// the limit, and no post is created.
func TestLinkedInMediaRefusalsNameTheLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, linkedin.Config{})
	files := map[string][]byte{
		"/huge.png":  testmedia.PNGHeader(7360, 4912),
		"/heavy.png": testmedia.Image(t, "png", 64, 64, 5_000_001),
		"/long.mp4":  testmedia.MP4(t, testmedia.Video{Seconds: 31 * 60, Bytes: 80_000}),
		"/short.mp4": testmedia.MP4(t, testmedia.Video{Seconds: 2, Bytes: 80_000}),
	}
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ct := "image/png"
		if strings.HasSuffix(r.URL.Path, ".mp4") {
			ct = "video/mp4"
		}
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write(files[r.URL.Path])
	}))
	t.Cleanup(host.Close)
	cases := []struct {
		name string
		post platform.Post
		want string
	}{
		{"image of 36,152,320 pixels", platform.Post{Text: "big", ImageURLs: []string{host.URL + "/huge.png"}}, "under 36,152,320 pixels"},
		{"image over 5 MB", platform.Post{Text: "heavy", ImageURLs: []string{host.URL + "/heavy.png"}}, "up to 5 MB"},
		{"video of 31 minutes", platform.Post{Text: "long", VideoURL: host.URL + "/long.mp4"}, "3 seconds to 30 minutes"},
		{"video of 2 seconds", platform.Post{Text: "short", VideoURL: host.URL + "/short.mp4"}, "3 seconds to 30 minutes"},
	}
	for _, c := range cases {
		_, err := b.client.Publish(context.Background(), b.coffee, c.post)
		pe := wantKind(t, err, platform.KindPermanent, "PROCESSING_FAILED")
		if !strings.Contains(pe.Message, c.want) || !strings.HasPrefix(pe.Message, "LinkedIn could not process the ") {
			t.Errorf("%s: message %q, want one naming %q", c.name, pe.Message, c.want)
		}
	}
	if n := b.sb.Calls(http.MethodPost, "/api.linkedin.com/rest/posts"); n != 0 {
		t.Errorf("%d posts created with refused media", n)
	}
}

// TestLinkedInMediaStatusUnreadable: a token LinkedIn lets upload but not
// read media (403 on the status) still publishes; the post decides.
func TestLinkedInMediaStatusUnreadable(t *testing.T) {
	t.Parallel()
	b := setup(t, linkedin.Config{})
	b.sb.InjectFault(sandbox.Fault{Platform: "linkedin", Method: http.MethodGet, Path: "/rest/images/", Status: http.StatusForbidden,
		Body: `{"status":403,"serviceErrorCode":100,"code":"ACCESS_DENIED","message":"Not enough permissions to access: images.GET"}`})
	img := b.sb.URL + "/media.licdn.com/dms/image/sample"
	before := b.sb.Calls(http.MethodGet, "/api.linkedin.com/rest/images/") // the logos read while connecting
	if _, err := b.client.Publish(context.Background(), b.member, platform.Post{Text: "member image", ImageURLs: []string{img}}); err != nil {
		t.Fatal(err)
	}
	if n := b.sb.Calls(http.MethodGet, "/api.linkedin.com/rest/images/") - before; n != 1 {
		t.Errorf("%d status reads, want 1", n)
	}
}
