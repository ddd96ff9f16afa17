package twitter

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

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
	reset := strconv.FormatInt(testNow.Add(90*time.Second).Unix(), 10)
	dayReset := strconv.FormatInt(testNow.Add(5*time.Hour).Unix(), 10)
	tests := []struct {
		name      string
		status    int
		file      string
		header    map[string]string
		kind      platform.Kind
		code      string
		message   string
		retry     time.Duration
		sentinels error
	}{
		{name: "401 problem", status: 401, file: "problem_401_unauthorized.json", kind: platform.KindAuth, message: "Unauthorized", sentinels: platform.ErrTokenExpired},
		{name: "v1.1 invalid token", status: 401, file: "v1_401_code89.json", kind: platform.KindAuth, code: "89", message: "Invalid or expired token."},
		{name: "duplicate", status: 403, file: "problem_403_duplicate.json", kind: platform.KindPermanent,
			message: "You are not allowed to create a Tweet with duplicate content.", sentinels: platform.ErrPermanent},
		{name: "client forbidden", status: 403, file: "problem_403_client_forbidden.json", kind: platform.KindPermanent, code: "client-forbidden"},
		{name: "429 with window reset", status: 429, file: "problem_429_too_many.json",
			header: map[string]string{"x-rate-limit-reset": reset, "x-rate-limit-remaining": "0"},
			kind:   platform.KindRateLimit, message: "Too Many Requests", retry: 90 * time.Second, sentinels: platform.ErrRateLimited},
		{name: "429 with daily user cap", status: 429, file: "problem_429_too_many.json",
			header: map[string]string{"x-rate-limit-reset": reset, "x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": dayReset},
			kind:   platform.KindRateLimit, retry: 5 * time.Hour},
		{name: "429 only daily reset header", status: 429, file: "problem_429_too_many.json",
			header: map[string]string{"x-user-limit-24hour-reset": dayReset}, kind: platform.KindRateLimit, retry: 5 * time.Hour},
		{name: "429 reset in the past", status: 429, file: "problem_429_too_many.json",
			header: map[string]string{"x-rate-limit-reset": strconv.FormatInt(testNow.Add(-time.Minute).Unix(), 10)},
			kind:   platform.KindRateLimit, retry: time.Second},
		{name: "v1.1 code 88", status: 429, file: "v1_429_code88.json", header: map[string]string{"x-rate-limit-reset": reset},
			kind: platform.KindRateLimit, code: "88", message: "Rate limit exceeded", retry: 90 * time.Second},
		{name: "usage capped", status: 429, file: "problem_429_usage_capped.json", kind: platform.KindRateLimit, code: "usage-capped",
			message: "Usage cap exceeded: Monthly product cap"},
		{name: "usage capped on 403", status: 403, file: "problem_429_usage_capped.json", kind: platform.KindRateLimit, code: "usage-capped"},
		{name: "invalid request", status: 400, file: "problem_400_invalid_request.json", kind: platform.KindPermanent, code: "invalid-request",
			message: "Your media IDs are invalid."},
		{name: "unknown field, api.x.com type", status: 400, file: "problem_400_unknown_field.json", kind: platform.KindPermanent, code: "invalid-request",
			message: "$.foo: is not defined in the schema and the schema does not allow additional properties"},
		{name: "500 problem", status: 500, file: "problem_500_internal.json", kind: platform.KindTransient, code: "internal-error", sentinels: platform.ErrTransient},
		{name: "502 html", status: 502, file: "html_502.html", kind: platform.KindTransient, message: "Bad Gateway"},
		{name: "503 v1.1 over capacity", status: 503, file: "v1_429_code88.json", kind: platform.KindTransient},
		{name: "200 with only errors", status: 200, file: "partial_200_not_found.json", kind: platform.KindPermanent, code: "resource-not-found",
			message: "Could not find tweet with id: [1900000000000000404]."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			e := mapError("create post", tt.status, h, readTestdata(t, tt.file), testNow)
			if e.Platform != platform.Twitter || e.Op != "create post" || e.Status != tt.status {
				t.Errorf("got platform %q op %q status %d", e.Platform, e.Op, e.Status)
			}
			if e.Kind != tt.kind {
				t.Errorf("kind = %v, want %v (%v)", e.Kind, tt.kind, e)
			}
			if tt.code != "" && e.Code != tt.code {
				t.Errorf("code = %q, want %q", e.Code, tt.code)
			}
			if tt.message != "" && e.Message != tt.message {
				t.Errorf("message = %q, want %q", e.Message, tt.message)
			}
			if e.RetryAfter != tt.retry {
				t.Errorf("retry after = %v, want %v", e.RetryAfter, tt.retry)
			}
			if tt.sentinels != nil && !errors.Is(e, tt.sentinels) {
				t.Errorf("errors.Is(%v, %v) = false", e, tt.sentinels)
			}
		})
	}
}

func TestMapTokenEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		file   string
		kind   platform.Kind
		code   string
	}{
		{"reused refresh token", 400, "oauth_invalid_request.json", platform.KindAuth, "invalid_request"},
		{"bad client auth", 401, "oauth_unauthorized_client.json", platform.KindPermanent, "unauthorized_client"},
		{"rate limited problem", 429, "problem_429_too_many.json", platform.KindRateLimit, ""},
		{"server error page", 503, "html_502.html", platform.KindTransient, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mapTokenEndpoint("refresh token", tt.status, http.Header{}, readTestdata(t, tt.file), "", "", testNow, nil)
			if e.Kind != tt.kind || e.Code != tt.code || e.Message == "" {
				t.Errorf("got kind %v code %q message %q; want kind %v code %q", e.Kind, e.Code, e.Message, tt.kind, tt.code)
			}
		})
	}
}

func TestProblemKind(t *testing.T) {
	t.Parallel()
	for typ, want := range map[string]string{
		"https://api.twitter.com/2/problems/usage-capped": "usage-capped",
		"https://api.x.com/2/problems/invalid-request":    "invalid-request",
		"about:blank": "",
		"":            "",
	} {
		if got := problemKind(typ); got != want {
			t.Errorf("problemKind(%q) = %q, want %q", typ, got, want)
		}
	}
}

var fuzzSeeds = []string{
	"problem_401_unauthorized.json", "problem_403_duplicate.json", "problem_429_too_many.json", "v1_429_code88.json",
	"v1_401_code89.json", "problem_400_invalid_request.json", "problem_400_unknown_field.json", "problem_429_usage_capped.json",
	"problem_403_client_forbidden.json", "problem_500_internal.json", "partial_200_not_found.json", "html_502.html",
	"oauth_invalid_request.json", "oauth_unauthorized_client.json",
}

func FuzzParseXError(f *testing.F) {
	for _, name := range fuzzSeeds {
		f.Add(429, readTestdata(f, name), "1790000000")
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, reset string) {
		h := http.Header{}
		h.Set("x-rate-limit-reset", reset)
		e := mapError("create post", status, h, body, testNow)
		if e == nil || e.Platform != platform.Twitter || e.Op != "create post" || e.Message == "" {
			t.Fatalf("mapError gave %#v", e)
		}
		if e.Kind == platform.KindRateLimit && e.RetryAfter < 0 {
			t.Fatalf("negative retry after %v", e.RetryAfter)
		}
	})
}

func FuzzParseTokenError(f *testing.F) {
	for _, name := range fuzzSeeds {
		f.Add(400, readTestdata(f, name))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := mapTokenEndpoint("exchange code", status, http.Header{}, body, "", "", testNow, nil)
		if e == nil || e.Platform != platform.Twitter || e.Message == "" {
			t.Fatalf("mapTokenEndpoint gave %#v", e)
		}
	})
}
