package linkedin

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestMapStatusError(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 18, 30, 0, 0, time.UTC)
	tests := []struct {
		name       string
		status     int
		file       string
		header     http.Header
		kind       platform.Kind
		code       string
		msgHas     string
		retryAfter time.Duration
	}{
		{"invalid token", 401, "error_401_invalid_token.json", nil, platform.KindAuth, "INVALID_ACCESS_TOKEN", "Invalid access token", 0},
		{"revoked token", 401, "error_401_revoked.json", nil, platform.KindAuth, "REVOKED_ACCESS_TOKEN", "revoked", 0},
		{"expired token", 401, "error_401_expired.json", nil, platform.KindAuth, "EXPIRED_ACCESS_TOKEN", "expired", 0},
		{"access denied", 403, "error_403_access_denied.json", nil, platform.KindPermanent, "ACCESS_DENIED", "Not enough permissions", 0},
		{"duplicate", 422, "error_422_duplicate.json", nil, platform.KindPermanent, "DUPLICATE_POST", "duplicate: ERROR :: /commentary :: Content is a duplicate", 0},
		{"too long", 400, "error_400_too_long.json", nil, platform.KindPermanent, "FIELD_ARRAY_SIZE_TOO_HIGH", "exceeded the maximum allowed (3000 characters)", 0},
		{"sunset version", 426, "error_426_nonexistent_version.json", nil, platform.KindPermanent, "NONEXISTENT_VERSION", `LinkedIn-Version "202608" is no longer active`, 0},
		{"daily quota, no header", 429, "error_429_throttle.json", nil, platform.KindRateLimit, "TOO_MANY_REQUESTS", "APPLICATION DAY limit", 5*time.Hour + 30*time.Minute},
		{"quota with Retry-After", 429, "error_429_throttle.json", http.Header{"Retry-After": {"120"}}, platform.KindRateLimit, "TOO_MANY_REQUESTS", "throttle", 2 * time.Minute},
		{"quota with Retry-After date", 429, "error_429_throttle.json", http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, platform.KindRateLimit, "TOO_MANY_REQUESTS", "throttle", 90 * time.Second},
		{"server error", 500, "error_500.json", nil, platform.KindTransient, "", "Internal Server Error", 0},
		{"gateway html", 502, "error_502_html.txt", nil, platform.KindTransient, "", "502 Bad Gateway", 0},
		{"not found", 404, "error_404.json", nil, platform.KindPermanent, "NOT_FOUND", "does not exist", 0},
		{"oauth invalid_grant", 400, "oauth_invalid_grant.json", nil, platform.KindAuth, "invalid_grant", "refresh token is invalid", 0},
		{"oauth invalid_request", 400, "oauth_invalid_request.json", nil, platform.KindPermanent, "invalid_request", "authorization code not found", 0},
		{"oauth invalid_client", 401, "oauth_invalid_client.json", nil, platform.KindPermanent, "invalid_client", "Client authentication failed", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			pe := mapStatusError("create post", tt.status, h, readTestdata(t, tt.file), "202608", now)
			if pe.Kind != tt.kind || pe.Code != tt.code || pe.Status != tt.status {
				t.Fatalf("got kind %v code %q status %d, want %v %q %d", pe.Kind, pe.Code, pe.Status, tt.kind, tt.code, tt.status)
			}
			if !strings.Contains(pe.Message, tt.msgHas) {
				t.Errorf("message %q does not contain %q", pe.Message, tt.msgHas)
			}
			if pe.RetryAfter != tt.retryAfter {
				t.Errorf("RetryAfter %v, want %v", pe.RetryAfter, tt.retryAfter)
			}
			if pe.Platform != platform.LinkedIn || pe.Op != "create post" {
				t.Errorf("platform/op %q/%q", pe.Platform, pe.Op)
			}
			var err error = pe
			if tt.kind == platform.KindAuth && !errors.Is(err, platform.ErrTokenExpired) {
				t.Error("not ErrTokenExpired")
			}
		})
	}
}

func TestRetryAfterUntilMidnightUTC(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	now := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC).In(paris)
	if got := retryAfter(http.Header{}, now); got != time.Minute {
		t.Fatalf("retryAfter = %v, want 1m (midnight UTC, across the year)", got)
	}
	if got := retryAfter(http.Header{"Retry-After": {"soon"}}, now); got != time.Minute {
		t.Fatalf("an unreadable Retry-After falls back to midnight UTC; got %v", got)
	}
}

func FuzzParseAPIError(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		f.Add(429, readTestdata(f, e.Name()))
	}
	f.Add(401, []byte(`{"status":"x","errorDetails":{"inputErrors":[null,{"code":7}]}}`))
	f.Add(200, []byte(`{"error":`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e, _ := parseAPIError(body)
		_ = e.inputErrorCode()
		pe := mapStatusError("fuzz", status, http.Header{"Retry-After": {string(body)}}, body, "202608", time.Unix(0, 0))
		if pe == nil || pe.Platform != platform.LinkedIn || pe.Message == "" {
			t.Fatalf("bad mapping %+v for %q", pe, body)
		}
		if pe.Kind == platform.KindRateLimit && pe.RetryAfter < 0 {
			t.Fatalf("negative RetryAfter for %q", body)
		}
	})
}
