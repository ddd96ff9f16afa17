package sandbox_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/sandbox"
)

// Mounted under a prefix (serve mounts it at /sandbox), the URLs the
// sandbox hands out keep the prefix, so its index leads back into the
// sandbox rather than to 404s.
func TestMountedUnderPrefix(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/sandbox/", http.StripPrefix("/sandbox", sb))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	res, err := http.Get(srv.URL + "/sandbox/_sandbox/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	listed := 0
	for _, f := range strings.Fields(string(body)) {
		if !strings.HasPrefix(f, "http://") {
			continue
		}
		listed++
		if !strings.HasPrefix(f, srv.URL+"/sandbox/") {
			t.Errorf("index lists %s, outside the sandbox's mount %s/sandbox/", f, srv.URL)
		}
	}
	if listed == 0 {
		t.Fatalf("index lists no host:\n%s", body)
	}
}
