package sandbox_test

import (
	"image"
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
)

// TestSampleMedia: the sandbox serves generated sample images for the
// README's examples; other names are 404.
func TestSampleMedia(t *testing.T) {
	t.Parallel()
	srv := sandboxtest.Start(t, sandbox.Options{})
	for _, c := range []struct{ name, format, ctype string }{
		{"autumn.jpg", "jpeg", "image/jpeg"},
		{"logo.png", "png", "image/png"},
	} {
		resp, err := http.Get(srv.URL + "/_sandbox/media/" + c.name)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != c.ctype {
			t.Fatalf("%s: %d %q", c.name, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		cfg, format, err := image.DecodeConfig(resp.Body)
		resp.Body.Close()
		if err != nil || format != c.format || cfg.Width != 640 || cfg.Height != 360 {
			t.Fatalf("%s: %v %q %dx%d", c.name, err, format, cfg.Width, cfg.Height)
		}
	}
	resp, err := http.Get(srv.URL + "/_sandbox/media/notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("notes.txt: %d, want 404", resp.StatusCode)
	}
}
