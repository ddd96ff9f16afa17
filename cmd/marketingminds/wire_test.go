package main

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
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
	ad := newAdapters(config{}, srv.URL)
	_, err = ad.social[platform.Twitter].Publish(context.Background(), platform.Target{ExternalID: "1", AccessToken: "not-a-token"}, platform.Post{Text: "hello"})
	if platform.KindOf(err) != platform.KindAuth {
		t.Fatalf("publish through a plain HTTP/1.1 sandbox URL: %v (kind %v); want X's 401", err, platform.KindOf(err))
	}
	if n := sb.Calls("POST", "/api.x.com/2/tweets"); n != 1 {
		t.Fatalf("the sandbox saw %d posts; want 1", n)
	}
}
