package facebook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/oauth2"

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

func TestMapError(t *testing.T) {
	t.Parallel()
	buc := func(min int) http.Header {
		return http.Header{"X-Business-Use-Case-Usage": {`{"108000000000001":[{"type":"pages","call_count":100,"total_cputime":12,"total_time":30,"estimated_time_to_regain_access":` + strconv.Itoa(min) + `}]}`}}
	}
	appFull := http.Header{"X-App-Usage": {`{"call_count":100,"total_cputime":20,"total_time":40}`}}
	cases := []struct {
		file    string
		status  int
		header  http.Header
		kind    platform.Kind
		code    string
		message string
		retry   time.Duration
	}{
		{"token_expired.json", 400, nil, platform.KindAuth, "190/463", "", 0},
		{"token_invalid.json", 400, nil, platform.KindAuth, "190", "Invalid OAuth access token - Cannot parse access token", 0},
		{"session_102.json", 400, nil, platform.KindAuth, "102", "API Session", 0},
		{"app_rate_limit.json", 400, buc(7), platform.KindRateLimit, "4", "", 7 * time.Minute},
		{"app_rate_limit.json", 400, appFull, platform.KindRateLimit, "4", "", 15 * time.Minute},
		{"app_rate_limit.json", 400, nil, platform.KindRateLimit, "4", "", time.Minute},
		{"page_rate_limit.json", 400, http.Header{"X-Page-Usage": {`{"call_count":100}`}}, platform.KindRateLimit, "32", "", 15 * time.Minute},
		{"buc_rate_limit.json", 400, buc(42), platform.KindRateLimit, "80001", "", 42 * time.Minute},
		{"ig_publish_limit.json", 400, nil, platform.KindRateLimit, "9/2207042", "You reached maximum number of posts that is allowed to be published by Content Publishing API.", time.Hour},
		{"service_unavailable.json", 500, nil, platform.KindTransient, "2", "Service temporarily unavailable", 0},
		{"unknown_error.json", 400, nil, platform.KindTransient, "1", "", 0},
		{"ig_server_error.json", 400, nil, platform.KindTransient, "-1/2207001", "", 0},
		{"ig_not_ready.json", 400, nil, platform.KindTransient, "9007/2207027", "The media is not ready for publishing, please wait for a moment", 0},
		{"permission_200.json", 400, nil, platform.KindPermanent, "200", "", 0},
		{"permission_10.json", 403, nil, platform.KindPermanent, "10", "", 0},
		{"invalid_param.json", 400, nil, platform.KindPermanent, "100", "(#100) The value must be a valid insights metric", 0},
		{"duplicate_506.json", 400, nil, platform.KindPermanent, "506/1455006", "This status update is identical to the last one you posted. Try posting something different, or delete your previous update.", 0},
		{"policy_368.json", 400, nil, platform.KindPermanent, "368/1390008", "", 0},
		{"link_1609005.json", 400, nil, platform.KindPermanent, "1609005", "The link could not be posted: the URL could not be scraped.", 0},
		{"ig_fetch_failed.json", 400, nil, platform.KindPermanent, "9004/2207052", "", 0},
		{"ig_unsupported_format.json", 400, nil, platform.KindPermanent, "36001/2207005", "", 0},
		{"html_502.txt", 502, nil, platform.KindTransient, "", "", 0},
		{"truncated.json", 503, nil, platform.KindTransient, "", "", 0},
		{"truncated.json", 400, nil, platform.KindPermanent, "", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			e := MapError(platform.Facebook, "create post", tc.status, tc.header, readTestdata(t, tc.file))
			if e.Kind != tc.kind || e.Code != tc.code || e.Status != tc.status || e.Platform != platform.Facebook || e.Op != "create post" {
				t.Errorf("got kind %s code %q status %d, want %s %q %d", e.Kind, e.Code, e.Status, tc.kind, tc.code, tc.status)
			}
			if tc.message != "" && e.Message != tc.message {
				t.Errorf("message %q, want %q", e.Message, tc.message)
			}
			if e.Message == "" {
				t.Error("empty message")
			}
			if e.RetryAfter != tc.retry {
				t.Errorf("retry after %s, want %s", e.RetryAfter, tc.retry)
			}
		})
	}
}

func TestMapTokenError(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  error
		kind platform.Kind
	}{
		{"used code", &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400}, Body: readTestdata(t, "code_used.json")}, platform.KindAuth},
		{"bad secret", &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400}, Body: readTestdata(t, "bad_secret.json")}, platform.KindPermanent},
		{"expired token", &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400}, Body: readTestdata(t, "token_expired.json")}, platform.KindAuth},
		{"rfc invalid_grant", &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400}, Body: []byte(`{"error":"invalid_grant"}`), ErrorCode: "invalid_grant"}, platform.KindAuth},
		{"5xx", &oauth2.RetrieveError{Response: &http.Response{StatusCode: 503}, Body: []byte("busy")}, platform.KindTransient},
		{"network", errors.New("connection reset by peer"), platform.KindTransient},
	}
	for _, tc := range cases {
		err := MapTokenError(platform.Facebook, "exchange code", tc.err)
		var pe *platform.Error
		if !errors.As(err, &pe) || pe.Kind != tc.kind || pe.Op != "exchange code" {
			t.Errorf("%s: %v, want kind %s", tc.name, err, tc.kind)
		}
	}
}

// TestAccountsSkipsPagesWithoutContentRole reads a recorded /me/accounts page:
// a Page where the user may only ANALYZE is not offered.
func TestAccountsSkipsPagesWithoutContentRole(t *testing.T) {
	t.Parallel()
	body := readTestdata(t, "me_accounts.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/graph.facebook.com/v26.0/me/accounts" || r.Header.Get("Authorization") != "Bearer user-token" {
			http.Error(w, "unexpected "+r.URL.Path, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	c := NewClient(srv.Client(), platform.Hosts{Sandbox: srv.URL}, Config{ClientID: "a", ClientSecret: "b"})
	accts, err := c.Accounts(context.Background(), &oauth2.Token{AccessToken: "user-token"})
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != 1 || accts[0].ExternalID != "108000000000001" || accts[0].AccessToken != "EAAPageTokenOne" || accts[0].AvatarURL == "" {
		t.Errorf("accounts %+v", accts)
	}
}

func FuzzParseGraphError(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		f.Add(readTestdata(f, e.Name()), 400, `{"1":[{"estimated_time_to_regain_access":3}]}`)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int, usage string) {
		h := http.Header{"X-Business-Use-Case-Usage": {usage}, "X-App-Usage": {usage}}
		e := MapError(platform.Instagram, "fuzz", status, h, body)
		if e == nil || e.Platform != platform.Instagram || e.Op != "fuzz" {
			t.Fatalf("MapError = %+v", e)
		}
		if e.Kind == platform.KindRateLimit && e.RetryAfter <= 0 {
			t.Fatalf("rate limit without a wait: %+v", e)
		}
		_ = e.Error()
		if _, ok := ParseError(body); ok && e.Code == "" {
			t.Fatalf("parsed envelope without code: %+v", e)
		}
	})
}
