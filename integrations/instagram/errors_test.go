package instagram

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/facebook"
	"github.com/marketingminds/marketingminds/integrations/platform"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMapInstagramErrors runs Instagram's publishing errors (documented
// shapes) through the shared Graph mapping.
func TestMapInstagramErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file string
		kind platform.Kind
		code string
	}{
		{"ig_not_ready.json", platform.KindTransient, "9007/2207027"},
		{"ig_fetch_failed.json", platform.KindPermanent, "9004/2207052"},
		{"ig_unsupported_format.json", platform.KindPermanent, "36001/2207005"},
		{"ig_publish_limit.json", platform.KindRateLimit, "9/2207042"},
		{"ig_server_error.json", platform.KindTransient, "-1/2207001"},
		{"media_expired.json", platform.KindTransient, "-2/2207020"},
		{"not_enough_viewers.json", platform.KindPermanent, "10"},
	}
	for _, tc := range cases {
		e := facebook.MapError(platform.Instagram, "publish media", http.StatusBadRequest, nil, readTestdata(t, tc.file))
		if e.Kind != tc.kind || e.Code != tc.code || e.Platform != platform.Instagram || e.Message == "" {
			t.Errorf("%s: %+v, want %s %s", tc.file, e, tc.kind, tc.code)
		}
	}
	if !facebook.Unavailable(facebook.MapError(platform.Instagram, "read media insights", 400, nil, readTestdata(t, "not_enough_viewers.json"))) {
		t.Error("code 10 on insights must read as unavailable (unknown metrics)")
	}
}

func TestCountHashtags(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]int{"": 0, "#a #b": 2, "# not": 0, "C# and #go_lang, #日本": 2, "##x": 1} {
		if got := CountHashtags(s); got != want {
			t.Errorf("%q: %d, want %d", s, got, want)
		}
	}
}

func FuzzParseInstagramError(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		f.Add(readTestdata(f, e.Name()), 400)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		e := facebook.MapError(platform.Instagram, "publish media", status, nil, body)
		if e == nil || e.Platform != platform.Instagram || e.Message == "" {
			t.Fatalf("MapError = %+v", e)
		}
	})
}
