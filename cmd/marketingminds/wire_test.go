package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
)

// TestAdaptersSpeakHTTP1ToAPlainSandboxURL (issue 20, point 13):
// MM_SANDBOX_URL at a server that speaks only HTTP/1.1 (here the sandbox
// behind a plain httptest server, as behind a recording proxy) is reached:
// the adapters' call gets the platform's answer (X's 401 for a bad token),
// not "http2: frame too large".
func TestAdaptersSpeakHTTP1ToAPlainSandboxURL(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	ad := newAdapters(config{}, srv.URL, nil)
	_, err = ad.social[platform.Twitter].Publish(context.Background(), platform.Target{ExternalID: "1", AccessToken: "not-a-token"}, platform.Post{Text: "hello"})
	if platform.KindOf(err) != platform.KindAuth {
		t.Fatalf("publish through a plain HTTP/1.1 sandbox URL: %v (kind %v); want X's 401", err, platform.KindOf(err))
	}
	if n := sb.Calls("POST", "/api.x.com/2/tweets"); n != 1 {
		t.Fatalf("the sandbox saw %d posts; want 1", n)
	}
}

// TestSandboxMediaAllowsOnlyTheSandbox (issue 20, point 2): in sandbox mode
// the media client reaches the sandbox's own address and no other private
// one; outside it, no private one at all.
func TestSandboxMediaAllowsOnlyTheSandbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sandboxed := newAdapters(config{}, "http://127.0.0.1:5555/sandbox", nil)
	if err := sandboxed.media.CheckHost(ctx, "http://127.0.0.1:5555/sandbox/pbs.twimg.com/media/a.jpg"); err != nil {
		t.Fatalf("the sandbox's own media: %v", err)
	}
	for _, u := range []string{"http://127.0.0.1:5556/a.jpg", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/a.jpg"} {
		if err := sandboxed.media.CheckHost(ctx, u); !errors.Is(err, safehttp.ErrBlocked) {
			t.Errorf("sandbox mode, %s: %v; want blocked", u, err)
		}
	}
	real := newAdapters(config{}, "", nil)
	if err := real.media.CheckHost(ctx, "http://127.0.0.1:5555/a.jpg"); !errors.Is(err, safehttp.ErrBlocked) {
		t.Errorf("outside the sandbox, loopback: %v; want blocked", err)
	}
}
